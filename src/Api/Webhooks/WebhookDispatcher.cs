using WaEngine.Engine.Session;
using System.Net;
using System.Threading.Channels;
using WaEngine.Store;
using WaEngine.Store.Registry;

namespace WaEngine.Api.Webhooks;

/// <summary>
/// Delivers every line's webhook outbox: keeps one <see cref="LineWebhookWorker"/> per line in the registry (checked
/// every poll interval and whenever an unknown line is woken) and shares one HTTP handler among them. It starts once
/// the service listens and stops, awaiting every worker, when the service stops.
/// </summary>
public sealed class WebhookDispatcher : IHostedLifecycleService, IAsyncDisposable
{
    private readonly LineRegistry _registry;
    private readonly Func<LineId, CancellationToken, Task<LineDatabase>> _openLine;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly HttpClient _http;
    private readonly WebhookSender _sender;
    private readonly Dictionary<LineId, LineWebhookWorker> _workers = [];
    private readonly HashSet<LineId> _removed = [];
    private readonly Lock _gate = new();
    private readonly Channel<bool> _reconcile = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Creates the dispatcher (it does nothing until the host has started).</summary>
    /// <param name="registry">The lines and their webhook settings.</param>
    /// <param name="openLine">Opens a line's database by session id.</param>
    /// <param name="options">Timeouts, backoff and polling.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">Loggers.</param>
    /// <param name="handler">The HTTP handler (a fresh <see cref="SocketsHttpHandler"/> by default).</param>
    /// <param name="random">Uniform numbers in [0, 1) for the backoff's jitter.</param>
    public WebhookDispatcher(
        LineRegistry registry,
        Func<LineId, CancellationToken, Task<LineDatabase>> openLine,
        WebhookOptions options,
        TimeProvider time,
        ILoggerFactory loggers,
        HttpMessageHandler? handler = null,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _openLine = openLine ?? throw new ArgumentNullException(nameof(openLine));
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
    }

    /// <summary>The options in force.</summary>
    public WebhookOptions Options => _options;

    /// <summary>Makes a line's worker look at its outbox now (a new journal row, a retry, a new URL, a new line).</summary>
    public void Wake(LineId lineId)
    {
        LineWebhookWorker? worker;
        lock (_gate)
        {
            _workers.TryGetValue(lineId, out worker);
        }

        if (worker is not null)
        {
            worker.Wake();
        }
        else
        {
            RequestReconcile();
        }
    }

    /// <summary>Stops a line's worker for good, before its data is deleted.</summary>
    public async Task RemoveLineAsync(LineId lineId)
    {
        LineWebhookWorker? worker;
        lock (_gate)
        {
            _removed.Add(lineId);
            _workers.Remove(lineId, out worker);
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
        await StopWorkersAsync().ConfigureAwait(false);
        _http.Dispose();
        _stopping.Dispose();
    }

    private void RequestReconcile() => _reconcile.Writer.TryWrite(true);

    private async Task StopWorkersAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
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
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The loop outlives a failure to read the registry; it tries again after the poll interval.
                WebhookLog.ReconcileFailed(_logger, _options.PollInterval, ex);
            }

            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Task.WhenAny(_reconcile.Reader.WaitToReadAsync(waiting.Token).AsTask(), Task.Delay(_options.PollInterval, _time, waiting.Token)).ConfigureAwait(false);
                await waiting.CancelAsync().ConfigureAwait(false);
            }

            _reconcile.Reader.TryRead(out _);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var lines = (await _registry.ListAsync(cancellationToken).ConfigureAwait(false)).Select(l => l.Id).ToHashSet();
        var gone = new List<LineWebhookWorker>();
        lock (_gate)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            foreach (var id in lines.Where(id => !_workers.ContainsKey(id) && !_removed.Contains(id)))
            {
                _workers[id] = new LineWebhookWorker(id, _registry, _openLine, _sender, _options, _time, _random, _loggers.CreateLogger<LineWebhookWorker>());
            }

            foreach (var id in _workers.Keys.Where(id => !lines.Contains(id)).ToList())
            {
                _workers.Remove(id, out var worker);
                gone.Add(worker!);
            }
        }

        foreach (var worker in gone)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }
}
