namespace WaEngine.Api.Webhooks;

/// <summary>The outcome of one delivery attempt.</summary>
/// <param name="Delivered">The receiver answered 2xx.</param>
/// <param name="StatusCode">The HTTP status, or null when there was no answer (timeout, connection error).</param>
/// <param name="Error">Why it failed, or null when delivered.</param>
public sealed record WebhookAttempt(bool Delivered, int? StatusCode, string? Error);
