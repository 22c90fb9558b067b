using WaEngine.Engine.Session;

namespace WaEngine.Store.Registry;

/// <summary>A line as the service registry keeps it (never its token, only the token's hash).</summary>
/// <param name="Id">The session id.</param>
/// <param name="Name">The name the admin gave it.</param>
/// <param name="WebhookUrl">Where its events are posted, if anywhere.</param>
/// <param name="WebhookSecret">The HMAC secret for webhook signatures, if any.</param>
/// <param name="WebhookEvents">The events wanted, comma-separated.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record LineRecord(LineId Id, string Name, string? WebhookUrl, string? WebhookSecret, string WebhookEvents, DateTimeOffset CreatedAt);
