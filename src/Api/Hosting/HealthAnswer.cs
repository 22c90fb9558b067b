using System.Text.Json.Serialization;

namespace WaEngine.Api.Hosting;

/// <summary>GET /health: the service answers.</summary>
/// <param name="Status">Always <c>ok</c>.</param>
/// <param name="Sandbox">True when the service runs its own local WhatsApp network.</param>
public sealed record HealthAnswer(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("sandbox")] bool Sandbox);
