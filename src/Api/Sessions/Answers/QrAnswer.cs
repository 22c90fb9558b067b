using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Answers;

/// <summary>The QR a line shows while its status is scan_qr.</summary>
/// <param name="Qr">The QR string to render (or scan with the phone).</param>
/// <param name="ExpiresAt">When the line moves on to the next QR.</param>
public sealed record QrAnswer(
    [property: JsonPropertyName("qr")] string Qr,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);
