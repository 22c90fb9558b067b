using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Events;

/// <summary>
/// The data of a <c>reason</c> event on /api/sessions/{id}/events: the session view's <c>reason</c> changed (to a
/// value, or back to null), following the status event that changed it.
/// </summary>
/// <param name="Id">The line.</param>
/// <param name="Status">The status the reason belongs to.</param>
/// <param name="Reason">The session view's reason now, or null.</param>
/// <param name="Until">For <c>temporarily_banned</c>: when the ban ends; else null.</param>
/// <param name="At">When.</param>
public sealed record ReasonEventData(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("until")] DateTimeOffset? Until,
    [property: JsonPropertyName("at")] DateTimeOffset At);
