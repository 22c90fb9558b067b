using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Answers;

/// <summary>GET /api/status: the line's status and identity.</summary>
/// <param name="Id">The line's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">stopped, starting, scan_qr, pairing_code, connecting, connected, reconnecting, logged_out or failed.</param>
/// <param name="PhoneJid">Its phone-number JID once paired.</param>
/// <param name="Me">Its device JID, LID and platform once paired.</param>
public sealed record StatusAnswer(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("phone_jid")] string? PhoneJid,
    [property: JsonPropertyName("me")] MeView? Me);
