using WaEngine.Engine.Session;
namespace WaEngine.Api.Webhooks;

/// <summary>The webhook dispatcher's log lines. Never a secret, a body or a URL's path and query (they may hold tokens).</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks: dispatcher started (timeout {Timeout}, max age {MaxAge}, backoff {BaseDelay}..{MaxDelay}, safety-net pass every {PollInterval})")]
    public static partial void Started(ILogger logger, TimeSpan timeout, TimeSpan maxAge, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan pollInterval);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhooks: line {LineId} worker started")]
    public static partial void WorkerStarted(ILogger logger, LineId lineId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhooks: line {LineId} worker stopped")]
    public static partial void WorkerStopped(ILogger logger, LineId lineId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhooks: line {LineId} queued {Queued} deliveries from {Read} journal rows")]
    public static partial void Transferred(ILogger logger, LineId lineId, int read, int queued);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhooks: {DeliveryId} ({Event}) delivered to {Target} with {StatusCode} on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, string deliveryId, string @event, string target, int? statusCode, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks: {DeliveryId} ({Event}) attempt {Attempt} to {Target} failed: {Error}; next attempt in {Delay}")]
    public static partial void AttemptFailed(ILogger logger, string deliveryId, string @event, int attempt, string target, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhooks: {DeliveryId} ({Event}) given up after {Attempt} attempts to {Target}: {Error}")]
    public static partial void GaveUp(ILogger logger, string deliveryId, string @event, int attempt, string target, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhooks: line {LineId} has webhook URL that cannot be used; its deliveries wait")]
    public static partial void UnusableUrl(ILogger logger, LineId lineId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhooks: line {LineId} outbox step failed; trying again in {Delay}")]
    public static partial void StepFailed(ILogger logger, LineId lineId, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhooks: the disk is full; line {LineId}'s outbox waits {Delay} and goes on where it stopped ({Reason})")]
    public static partial void StorageFull(ILogger logger, LineId lineId, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhooks: the disk is full; the outcome of {DeliveryId} was not recorded: it stays pending and goes out again with the same id")]
    public static partial void RecordStorageFull(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhooks: recording attempt of {DeliveryId} failed; it stays pending and goes out again")]
    public static partial void RecordFailed(ILogger logger, string deliveryId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhooks: reading the lines' webhook settings or passing over a journal failed; trying again in {Delay}")]
    public static partial void ReconcileFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks: line {LineId} pruned {Count} old deliveries")]
    public static partial void Pruned(ILogger logger, LineId lineId, int count);
}
