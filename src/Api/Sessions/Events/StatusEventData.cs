using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Events;

/// <summary>The data of a <c>status</c> event on /api/sessions/{id}/events.</summary>
/// <param name="Id">The line.</param>
/// <param name="Status">The status now.</param>
/// <param name="From">The status before, or null for the first event of a stream (the current status).</param>
/// <param name="Reason">Why it changed (e.g. start, qr_refs_ended, device_removed); in the first event of a stream, the reason of the line's last move.</param>
/// <param name="Until">When the reason has an end (a temporary ban): that end; else null.</param>
/// <param name="At">When.</param>
public sealed record StatusEventData(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("until")] DateTimeOffset? Until,
    [property: JsonPropertyName("at")] DateTimeOffset At);
