using System.Text.Json.Serialization;

namespace WaEngine.Api.Hosting;

/// <summary>GET /health: the service answers.</summary>
/// <param name="Status">Always <c>ok</c>.</param>
/// <param name="Sandbox">True when the service runs its own local WhatsApp network.</param>
/// <param name="WhatsAppVersion">The WhatsApp Web version the lines announce (CONTRACT §1: pinned, built in, or read from WhatsApp Web).</param>
/// <param name="WhatsAppVersionError">Why the last read of WhatsApp Web's version failed (the last known version is kept), or null.</param>
public sealed record HealthAnswer(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("sandbox")] bool Sandbox,
    [property: JsonPropertyName("whatsapp_version")] string WhatsAppVersion,
    [property: JsonPropertyName("whatsapp_version_error")] string? WhatsAppVersionError);
