using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Events;

/// <summary>The data of a <c>pairing_code</c> event on /api/sessions/{id}/events: a code to type on the phone.</summary>
/// <param name="Id">The line.</param>
/// <param name="Code">The 8-character code (no dash).</param>
/// <param name="Phone">The phone number (digits) the code links to.</param>
/// <param name="At">When the code was issued.</param>
public sealed record PairingCodeEventData(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("at")] DateTimeOffset At);
