using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Answers;

/// <summary>A line's webhook settings (the secret is never shown).</summary>
/// <param name="Url">Where events are posted.</param>
/// <param name="Events">The events wanted.</param>
/// <param name="HasSecret">True when deliveries are signed.</param>
public sealed record WebhookAnswer(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("has_secret")] bool HasSecret);
