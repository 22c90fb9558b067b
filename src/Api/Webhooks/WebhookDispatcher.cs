using System.Net;
using System.Threading.Channels;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Registry;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Webhooks;

/// <summary>
/// Delivers the webhook outboxes of the lines that have a webhook URL: one <see cref="LineWebhookWorker"/> per such
/// line, none for a line without one, and one HTTP handler shared among them. Nothing polls: a worker sleeps until its
/// line's store journals an event (<see cref="LineDatabases.Journalled"/>) or its next retry is due. The dispatcher
/// reads a line's webhook settings again when told (<see cref="WebhookChangedAsync"/>, <see cref="Wake"/>) and when a
/// line without a worker journals an event; for a line without a URL it moves the journal's cursor past what was
/// journalled, so events that happen while a line has no URL are never queued. At start it goes through every line of
/// the registry (pending work left by a crash is found), and again every <see cref="WebhookOptions.PollInterval"/> as
/// a safety net (which also prunes old journal rows of lines without a URL). It starts once the service listens and
/// stops, awaiting every worker, when the service stops.
/// </summary>
public sealed class WebhookDispatcher : IHostedLifecycleService, IAsyncDisposable
{
    private const int TransferBatch = 500;

    private readonly LineRegistry _registry;
    private readonly LineDatabases _databases;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly HttpClient _http;
    private readonly WebhookSender _sender;
    private readonly Dictionary<LineId, LineWebhookWorker> _workers = [];
    private readonly HashSet<LineId> _removed = [];
    private readonly HashSet<LineId> _requested = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reconciling = new(1, 1);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private bool _everyLineRequested = true;
    private Task? _loop;

    /// <summary>Creates the dispatcher (it delivers nothing until the host has started).</summary>
    /// <param name="registry">The lines and their webhook settings.</param>
    /// <param name="databases">The line databases (their journal signals wake the workers).</param>
    /// <param name="options">Timeouts, backoff and the safety-net interval.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">Loggers.</param>
    /// <param name="handler">The HTTP handler (a fresh <see cref="SocketsHttpHandler"/> by default).</param>
    /// <param name="random">Uniform numbers in [0, 1) for the backoff's jitter.</param>
    public WebhookDispatcher(
        LineRegistry registry,
        LineDatabases databases,
        WebhookOptions options,
        TimeProvider time,
        ILoggerFactory loggers,
        HttpMessageHandler? handler = null,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _databases = databases ?? throw new ArgumentNullException(nameof(databases));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? Random.Shared.NextDouble;
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _logger = loggers.CreateLogger<WebhookDispatcher>();
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _sender = new WebhookSender(_http, options, time);
        _databases.Journalled += OnJournalled;
    }

    /// <summary>The options in force.</summary>
    public WebhookOptions Options => _options;

    /// <summary>The lines that have a delivery worker now (those with a webhook URL, once the dispatcher has seen it).</summary>
    public IReadOnlyCollection<LineId> Delivering
    {
        get
        {
            lock (_gate)
            {
                return [.. _workers.Keys];
            }
        }
    }

    /// <summary>
    /// Makes a line's worker look at its outbox now (a delivery retried by hand) and has the dispatcher read the
    /// line's webhook settings again soon.
    /// </summary>
    public void Wake(LineId lineId)
    {
        WorkerOf(lineId)?.Wake();
        Request(lineId);
    }

    /// <summary>
    /// The line's webhook was set, changed or cleared (or the line was created): reads its settings now and starts or
    /// stops its worker before returning.
    /// </summary>
    public async Task WebhookChangedAsync(LineId lineId, CancellationToken cancellationToken)
    {
        await ReconcileAsync([lineId], everyLine: false, cancellationToken).ConfigureAwait(false);
        WorkerOf(lineId)?.Wake();
    }

    /// <summary>Stops a line's worker for good, before its data is deleted.</summary>
    public async Task RemoveLineAsync(LineId lineId)
    {
        LineWebhookWorker? worker;
        // Between two passes over the lines: none is opening this line's database now, and none will again.
        await _reconciling.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                _removed.Add(lineId);
                _workers.Remove(lineId, out worker);
            }
        }
        finally
        {
            _reconciling.Release();
        }

        if (worker is not null)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The service listens: lines can be opened, delivery starts.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        WebhookLog.Started(_logger, _options.Timeout, _options.MaxAge, _options.BaseDelay, _options.MaxDelay, _options.PollInterval);
        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => StopWorkersAsync();

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => StopWorkersAsync();

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _databases.Journalled -= OnJournalled;
        await StopWorkersAsync().ConfigureAwait(false);
        _http.Dispose();
        _reconciling.Dispose();
        _stopping.Dispose();
    }

    /// <summary>The line's worker, or null when it has none.</summary>
    internal LineWebhookWorker? WorkerOf(LineId lineId)
    {
        lock (_gate)
        {
            return _workers.GetValueOrDefault(lineId);
        }
    }

    /// <summary>On the writer's thread, after a commit that journalled: wake the line's worker, or look at a line that has none.</summary>
    private void OnJournalled(LineId lineId)
    {
        if (WorkerOf(lineId) is { } worker)
        {
            worker.Wake();
        }
        else
        {
            Request(lineId);
        }
    }

    private void Request(LineId lineId)
    {
        lock (_gate)
        {
            _requested.Add(lineId);
        }

        _signal.Writer.TryWrite(true);
    }

    private async Task StopWorkersAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // The loop was stopped in the middle of a pass (lines closing at shutdown journal their status, which
                // asks for one): that is how it ends, not a failure — before, it crashed the process at shutdown.
            }
        }

        List<LineWebhookWorker> workers;
        lock (_gate)
        {
            workers = [.. _workers.Values];
            _workers.Clear();
        }

        await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            List<LineId> lines;
            bool everyLine;
            lock (_gate)
            {
                lines = [.. _requested];
                everyLine = _everyLineRequested;
                _requested.Clear();
                _everyLineRequested = false;
            }

            var wait = _options.PollInterval;
            try
            {
                await ReconcileAsync(lines, everyLine, cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The loop outlives a failure to read the registry or a line's journal: it goes through them again soon.
                wait = WebhookBackoff.Delay(++failures, _options.BaseDelay, _options.MaxDelay, _random());
                WebhookLog.ReconcileFailed(_logger, wait, ex);
                lock (_gate)
                {
                    _requested.UnionWith(lines);
                    _everyLineRequested |= everyLine;
                }
            }

            if (await WaitAsync(wait, cancellationToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    _everyLineRequested = true;
                }
            }
        }
    }

    /// <summary>Sleeps until a line is requested or <paramref name="delay"/> passes; true when the time passed.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeout = Task.Delay(delay, _time, waiting.Token);
        var first = await Task.WhenAny(_signal.Reader.WaitToReadAsync(waiting.Token).AsTask(), timeout).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        _signal.Reader.TryRead(out _);
        return first == timeout && !cancellationToken.IsCancellationRequested;
    }

    /// <summary>Starts or stops the workers of <paramref name="lines"/> (or of every line) to match the registry, one pass at a time.</summary>
    private async Task ReconcileAsync(IReadOnlyCollection<LineId> lines, bool everyLine, CancellationToken cancellationToken)
    {
        await _reconciling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (everyLine)
            {
                var all = await _registry.ListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var line in all)
                {
                    await ApplyAsync(line.Id, line, prune: true, cancellationToken).ConfigureAwait(false);
                }

                var known = all.Select(l => l.Id).ToHashSet();
                foreach (var gone in Delivering.Where(id => !known.Contains(id)))
                {
                    await StopWorkerAsync(gone).ConfigureAwait(false);
                }
            }

            foreach (var lineId in lines)
            {
                var line = await _registry.FindAsync(lineId, cancellationToken).ConfigureAwait(false);
                await ApplyAsync(lineId, line, prune: false, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _reconciling.Release();
        }
    }

    private async Task ApplyAsync(LineId lineId, LineRecord? line, bool prune, CancellationToken cancellationToken)
    {
        if (line is null)
        {
            await StopWorkerAsync(lineId).ConfigureAwait(false);
            return;
        }

        if (line.WebhookUrl is null)
        {
            await StopWorkerAsync(lineId).ConfigureAwait(false);
            lock (_gate)
            {
                if (_removed.Contains(lineId))
                {
                    return;
                }
            }

            await SkipJournalAsync(lineId, prune, cancellationToken).ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            if (!_workers.ContainsKey(lineId) && !_removed.Contains(lineId) && !_stopping.IsCancellationRequested)
            {
                _workers[lineId] = new LineWebhookWorker(lineId, _registry, _databases, _sender, _options, _time, _random, _loggers.CreateLogger<LineWebhookWorker>());
            }
        }
    }

    private async Task StopWorkerAsync(LineId lineId)
    {
        LineWebhookWorker? worker;
        lock (_gate)
        {
            _workers.Remove(lineId, out worker);
        }

        if (worker is not null)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A line without a URL: what it journalled is passed over (never queued), and, on the safety-net pass, journal
    /// rows and finished deliveries older than the retention go.
    /// </summary>
    private async Task SkipJournalAsync(LineId lineId, bool prune, CancellationToken cancellationToken)
    {
        var outbox = new WebhookOutbox(await _databases.OpenAsync(lineId, cancellationToken).ConfigureAwait(false), lineId);
        var now = _time.GetUtcNow();
        while (await outbox.HasUntransferredAsync(cancellationToken).ConfigureAwait(false))
        {
            var (read, _) = await outbox.TransferAsync(_ => null, now, _options.MaxAge, TransferBatch, cancellationToken).ConfigureAwait(false);
            if (read < TransferBatch)
            {
                break;
            }
        }

        if (prune)
        {
            var pruned = await outbox.PruneAsync(now - _options.Retention, cancellationToken).ConfigureAwait(false);
            pruned += await outbox.PruneJournalAsync(now - _options.Retention, cancellationToken).ConfigureAwait(false);
            if (pruned > 0)
            {
                WebhookLog.Pruned(_logger, lineId, pruned);
            }
        }
    }
}
