using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Events;

/// <summary>The data of a <c>qr</c> event on /api/sessions/{id}/events: a new QR to show.</summary>
/// <param name="Id">The line.</param>
/// <param name="Qr">The QR string.</param>
/// <param name="ExpiresAt">When the line moves on to the next QR.</param>
public sealed record QrEventData(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("qr")] string Qr,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);
