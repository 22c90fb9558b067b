using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions;

/// <summary>A line as the API shows it (CONTRACT.md §2).</summary>
/// <param name="Id">The line's id.</param>
/// <param name="Name">The name the admin gave it.</param>
/// <param name="Status">stopped, starting, scan_qr, pairing_code, connecting, connected, reconnecting, logged_out or failed.</param>
/// <param name="PhoneJid">The account's phone number as a JID (<c>digits@s.whatsapp.net</c>) once paired, else null.</param>
/// <param name="Me">The line's own device once paired, else null.</param>
/// <param name="CreatedAt">When the line was created.</param>
/// <param name="Reason">
/// Why the line is in its status, or null while it is on its way to connected or connected, and when it was stopped by
/// hand; a line <c>connecting</c> again after it gave up a connection says why (<c>login_unanswered</c>,
/// <c>keepalive_timeout</c>, …). E.g. <c>client_outdated</c>, <c>passkey_required</c>, <c>replaced</c>, <c>device_removed</c>, <c>banned</c>,
/// <c>temporarily_banned</c>, <c>bad_user_agent</c>, <c>stream_error_515</c> (any stream error code), <c>qr_refs_ended</c> (nobody
/// scanned in time), <c>logout</c>, <c>connect_failed: …</c>.
/// </param>
/// <param name="Until">For <c>temporarily_banned</c>: when the ban ends (ISO-8601, UTC); the line makes one attempt then. Else null.</param>
/// <param name="Health">The line's connection and backlog figures.</param>
public sealed record SessionView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("phone_jid")] string? PhoneJid,
    [property: JsonPropertyName("me")] MeView? Me,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("until")] DateTimeOffset? Until,
    [property: JsonPropertyName("health")] SessionHealthView Health);

/// <summary>Who the line is once paired: its device JID and LID.</summary>
public sealed record MeView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string? Lid,
    [property: JsonPropertyName("platform")] string? Platform);
