using System.Globalization;
using System.Threading.Channels;
using WaEngine.Api.Observability;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Registry;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Webhooks;

/// <summary>
/// Delivers one line's outbox: one loop (a task awaited on stop) that moves new journal rows into deliveries, starts
/// a run for the head of each chat that is due (at most <see cref="WebhookOptions.Parallelism"/> chats at once,
/// never two of one chat; a run goes on through the chat's next deliveries, one at a time, and records their answers
/// a batch at a time), records each outcome, and sleeps until the next delivery is due, an attempt ends, or it is
/// woken — by the dispatcher when the line's store journals an event, or by hand — and otherwise only after
/// <see cref="WebhookOptions.PollInterval"/> (a long safety net): an idle line's worker reads nothing. Only a line with
/// a webhook URL has a worker, and each has its own, so a slow receiver only ever holds up its own line.
/// </summary>
internal sealed class LineWebhookWorker : IAsyncDisposable
{
    private const int TransferBatch = 500;
    private const int HeadsToRead = 256;

    /// <summary>How many of a chat's next deliveries one read of its queue takes.</summary>
    private const int ChatBatch = 64;

    /// <summary>How many deliveries one chat's run makes at most before the other chats' heads get their turn.</summary>
    private const int ChatRunLimit = 256;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly LineId _lineId;
    private readonly LineRegistry _registry;
    private readonly LineDatabases _databases;
    private readonly WebhookSender _sender;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _passes;
    private volatile bool _waiting;

    public LineWebhookWorker(
        LineId lineId,
        LineRegistry registry,
        LineDatabases databases,
        WebhookSender sender,
        WebhookOptions options,
        TimeProvider time,
        Func<double> random,
        ILogger logger)
    {
        _lineId = lineId;
        _registry = registry;
        _databases = databases;
        _sender = sender;
        _options = options;
        _time = time;
        _random = random;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>The loop's task: it ends when the worker is disposed or the line no longer exists.</summary>
    public Task Completion => _loop;

    /// <summary>How many times the loop has read the registry and the outbox.</summary>
    internal long Passes => Interlocked.Read(ref _passes);

    /// <summary>Whether the loop is asleep with no attempt in flight (only a wake-up or a due time can move it).</summary>
    internal bool Idle => _waiting;

    /// <summary>Makes the loop look at the outbox now (new journal rows, a retry by hand, a new URL).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Stops the loop; attempts in flight are cancelled and stay pending (they go out again later).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        WebhookLog.WorkerStarted(_logger, _lineId);
        var inFlight = new Dictionary<string, Task>(StringComparer.Ordinal);
        WebhookOutbox? outbox = null;
        WebhookChatQueue? queue = null;
        var nextPrune = DateTimeOffset.MinValue;
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                DateTimeOffset? nextDue = null;
                Interlocked.Increment(ref _passes);
                try
                {
                    if (outbox is null || queue is null)
                    {
                        var database = await _databases.OpenAsync(_lineId, cancellationToken).ConfigureAwait(false);
                        (outbox, queue) = (new WebhookOutbox(database, _lineId), new WebhookChatQueue(database));
                    }
                    var line = await _registry.FindAsync(_lineId, cancellationToken).ConfigureAwait(false);
                    if (line is null)
                    {
                        return;
                    }

                    await TransferAsync(outbox, line, cancellationToken).ConfigureAwait(false);
                    if (_time.GetUtcNow() >= nextPrune)
                    {
                        nextPrune = _time.GetUtcNow() + PruneEvery;
                        var pruned = await outbox.PruneAsync(_time.GetUtcNow() - _options.Retention, cancellationToken).ConfigureAwait(false);
                        pruned += await outbox.PruneJournalAsync(_time.GetUtcNow() - _options.Retention, cancellationToken).ConfigureAwait(false);
                        if (pruned > 0)
                        {
                            WebhookLog.Pruned(_logger, _lineId, pruned);
                        }
                    }

                    nextDue = await StartDueAsync(outbox, queue, line, inFlight, cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The loop outlives any one failure (a locked or missing database, a line that cannot open): it
                    // tries again after a backoff, not after the long safety-net interval.
                    var delay = WebhookBackoff.Delay(++failures, _options.BaseDelay, _options.MaxDelay, _random());
                    if (WaEngine.Store.StorageFull.Is(ex))
                    {
                        WebhookLog.StorageFull(_logger, _lineId, delay, ex.Message);
                    }
                    else
                    {
                        WebhookLog.StepFailed(_logger, _lineId, delay, ex);
                    }
                    nextDue = _time.GetUtcNow() + delay;
                }

                await WaitAsync(inFlight, nextDue, cancellationToken).ConfigureAwait(false);
                foreach (var (chat, attempt) in inFlight.Where(a => a.Value.IsCompleted).ToList())
                {
                    inFlight.Remove(chat);
                    await attempt.ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what was in flight stays pending.
        }
        finally
        {
            await Task.WhenAll(inFlight.Values).ConfigureAwait(false);
            WebhookLog.WorkerStopped(_logger, _lineId);
        }
    }

    private async Task TransferAsync(WebhookOutbox outbox, LineRecord line, CancellationToken cancellationToken)
    {
        // Without a URL nothing is queued: events that happen while a session has no webhook are not kept for later.
        var wanted = line.WebhookUrl is null
            ? new HashSet<string>()
            : line.WebhookEvents.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        while (await outbox.HasUntransferredAsync(cancellationToken).ConfigureAwait(false))
        {
            var (read, queued) = await outbox.TransferAsync(
                entry => WebhookPayload.Render(_lineId, entry, wanted), _time.GetUtcNow(), _options.MaxAge, TransferBatch, cancellationToken).ConfigureAwait(false);
            WebhookLog.Transferred(_logger, _lineId, read, queued);
            if (read < TransferBatch)
            {
                break;
            }
        }
    }

    /// <summary>Starts an attempt for every due head whose chat has nothing in flight; returns when the next head is due.</summary>
    private async Task<DateTimeOffset?> StartDueAsync(WebhookOutbox outbox, WebhookChatQueue queue, LineRecord line, Dictionary<string, Task> inFlight, CancellationToken cancellationToken)
    {
        if (line.WebhookUrl is null)
        {
            return null;
        }

        if (WebhookUrl.Problem(line.WebhookUrl, "url") is not null || !Uri.TryCreate(line.WebhookUrl, UriKind.Absolute, out var url))
        {
            WebhookLog.UnusableUrl(_logger, _lineId);
            return null;
        }

        var now = _time.GetUtcNow();
        foreach (var head in await outbox.HeadsAsync(HeadsToRead, cancellationToken).ConfigureAwait(false))
        {
            if (inFlight.ContainsKey(head.ChatKey))
            {
                continue;
            }

            if (head.NextAttemptAt > now)
            {
                // Heads come soonest first: the rest are due later still.
                return head.NextAttemptAt;
            }

            if (inFlight.Count >= _options.Parallelism)
            {
                return null;
            }

            inFlight[head.ChatKey] = DeliverChatAsync(outbox, queue, url, line.WebhookSecret, head, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Delivers a chat from its head on, one delivery at a time in journal order, without a pass over every chat's head
    /// between two of them: the chat's next pending deliveries are read in batches of <see cref="ChatBatch"/> and the
    /// 2xx answers of each batch recorded in one transaction. It stops at the first failed attempt (recorded, with its
    /// backoff), when the chat has nothing more due, or after <see cref="ChatRunLimit"/> deliveries, so that the other
    /// chats' heads get their turn (the loop takes heads soonest due first).
    /// </summary>
    private async Task DeliverChatAsync(WebhookOutbox outbox, WebhookChatQueue queue, Uri url, string? secret, WebhookDelivery head, CancellationToken cancellationToken)
    {
        var target = WebhookUrl.ForLog(url);
        var delivered = new List<WebhookDeliveredMark>();
        IReadOnlyList<WebhookDelivery> batch = [head];
        var done = 0;
        WebhookDelivery current = head;
        try
        {
            while (true)
            {
                foreach (var delivery in batch)
                {
                    current = delivery;
                    var attempt = delivery.Attempts + 1;
                    var result = await _sender.SendAsync(url, secret, delivery, cancellationToken).ConfigureAwait(false);
                    var at = _time.GetUtcNow();
                    if (result.Delivered)
                    {
                        delivered.Add(new WebhookDeliveredMark(delivery.JournalSeq, result.StatusCode ?? 200, at));
                        WebhookLog.Delivered(_logger, delivery.DeliveryId, delivery.Event, target, result.StatusCode, attempt);
                        ServiceMetrics.DeliveryAttempted(_lineId, "delivered");
                        continue;
                    }

                    await RecordDeliveredAsync(queue, delivered).ConfigureAwait(false);
                    var delay = WebhookBackoff.Delay(attempt, _options.BaseDelay, _options.MaxDelay, _random());
                    var error = result.Error ?? "failed";
                    var status = await outbox.MarkAttemptFailedAsync(delivery.JournalSeq, result.StatusCode, error, at, at + delay, CancellationToken.None).ConfigureAwait(false);
                    ServiceMetrics.DeliveryAttempted(_lineId, status == WebhookDeliveryStatus.Failed ? "failed" : "retrying");
                    if (status == WebhookDeliveryStatus.Failed)
                    {
                        WebhookLog.GaveUp(_logger, delivery.DeliveryId, delivery.Event, attempt, target, error);
                    }
                    else
                    {
                        WebhookLog.AttemptFailed(_logger, delivery.DeliveryId, delivery.Event, attempt, target, error, delay);
                    }

                    return;
                }

                await RecordDeliveredAsync(queue, delivered).ConfigureAwait(false);
                done += batch.Count;
                if (done >= ChatRunLimit || cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                batch = await queue.PendingAsync(head.ChatKey, _time.GetUtcNow(), ChatBatch, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping mid-attempt: the delivery stays pending and goes out again with the same id; those already
            // answered are recorded if the store still takes it (else they go out again too).
            await TryRecordDeliveredAsync(queue, delivered, current).ConfigureAwait(false);
        }
        catch (Exception failed)
        {
            // Reading the chat's queue or recording an outcome failed (a locked database, a disk error): whatever was
            // not recorded stays pending and goes out again under the same id. The loop never sees an attempt fault.
            LogRecordFailed(current, failed);
            await TryRecordDeliveredAsync(queue, delivered, current).ConfigureAwait(false);
        }
    }

    private static async Task RecordDeliveredAsync(WebhookChatQueue queue, List<WebhookDeliveredMark> delivered)
    {
        if (delivered.Count > 0)
        {
            await queue.MarkDeliveredAsync(delivered, CancellationToken.None).ConfigureAwait(false);
            delivered.Clear();
        }
    }

    private async Task TryRecordDeliveredAsync(WebhookChatQueue queue, List<WebhookDeliveredMark> delivered, WebhookDelivery current)
    {
        try
        {
            await RecordDeliveredAsync(queue, delivered).ConfigureAwait(false);
        }
        catch (Exception failed) when (failed is not OutOfMemoryException)
        {
            LogRecordFailed(current, failed);
        }
    }

    private void LogRecordFailed(WebhookDelivery delivery, Exception failed)
    {
        if (WaEngine.Store.StorageFull.Is(failed))
        {
            WebhookLog.RecordStorageFull(_logger, delivery.DeliveryId);
        }
        else
        {
            WebhookLog.RecordFailed(_logger, delivery.DeliveryId, failed);
        }
    }

    private async Task WaitAsync(Dictionary<string, Task> inFlight, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        var delay = _options.PollInterval;
        if (nextDue is { } due)
        {
            var untilDue = due - _time.GetUtcNow();
            delay = untilDue <= TimeSpan.Zero ? TimeSpan.Zero : untilDue < delay ? untilDue : delay;
        }

        if (delay > TimeSpan.Zero)
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var wakeUps = new List<Task>(inFlight.Values)
            {
                _wake.Reader.WaitToReadAsync(waiting.Token).AsTask(),
                Task.Delay(delay, _time, waiting.Token),
            };
            _waiting = inFlight.Count == 0;
            await Task.WhenAny(wakeUps).ConfigureAwait(false);
            _waiting = false;
            await waiting.CancelAsync().ConfigureAwait(false);
        }

        _wake.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
