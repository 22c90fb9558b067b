using System.ComponentModel;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Bodies;

/// <summary>Body of PUT /api/sessions/{id}/webhook.</summary>
public sealed record WebhookBody
{
    /// <summary>Where events are posted.</summary>
    [JsonPropertyName("url")]
    [Description("Where the line's events are posted (absolute http or https URL).")]
    public required string Url { get; init; }

    /// <summary>The HMAC secret.</summary>
    [JsonPropertyName("secret")]
    [Description("The secret of the X-WaEngine-Signature HMAC; none when absent or empty.")]
    public string? Secret { get; init; }

    /// <summary>The events wanted.</summary>
    [JsonPropertyName("events")]
    [Description("The events wanted: messages.received (default), message.status, session.status, call.received, presence.update.")]
    public IReadOnlyList<string>? Events { get; init; }
}
