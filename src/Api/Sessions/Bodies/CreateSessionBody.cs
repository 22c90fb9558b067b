using System.ComponentModel;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Bodies;

/// <summary>Body of POST /api/sessions.</summary>
public sealed record CreateSessionBody
{
    /// <summary>A name for the line.</summary>
    [JsonPropertyName("name")]
    [Description("A name for the line, 1 to 100 characters.")]
    public required string Name { get; init; }

    /// <summary>Where the line's events are posted.</summary>
    [JsonPropertyName("webhook_url")]
    [Description("Where the line's events are posted (absolute http or https URL).")]
    public string? WebhookUrl { get; init; }

    /// <summary>The HMAC secret of webhook signatures.</summary>
    [JsonPropertyName("webhook_secret")]
    [Description("The secret of the X-WaEngine-Signature HMAC; none when absent.")]
    public string? WebhookSecret { get; init; }

    /// <summary>The events wanted.</summary>
    [JsonPropertyName("webhook_events")]
    [Description("The events wanted: messages.received (default), message.status, session.status, call.received, presence.update.")]
    public IReadOnlyList<string>? WebhookEvents { get; init; }

    /// <summary>Whether the line starts at once (default true).</summary>
    [JsonPropertyName("start")]
    [Description("Start the line at once, toward scan_qr (default true).")]
    public bool? Start { get; init; }
}
