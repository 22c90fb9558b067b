namespace WaEngine.Store.Webhooks;

/// <summary>A 2xx answer to one delivery, to be recorded: the delivery, the status code and when it came.</summary>
/// <param name="JournalSeq">The delivery (its journal row).</param>
/// <param name="StatusCode">The receiver's 2xx status.</param>
/// <param name="At">When the answer came.</param>
public readonly record struct WebhookDeliveredMark(long JournalSeq, int StatusCode, DateTimeOffset At);
