using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Views;

/// <summary>The answer of POST /api/groups.</summary>
/// <param name="Jid">The new group's JID.</param>
/// <param name="Subject">Its name.</param>
/// <param name="Participants">Each asked-for participant with its outcome.</param>
public sealed record CreatedGroupView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("participants")] IReadOnlyList<CreatedParticipantView> Participants);

/// <summary>One participant of a new group and what happened to it.</summary>
/// <param name="Jid">The participant as asked for (normalised).</param>
/// <param name="Lid">Its LID when the server named one.</param>
/// <param name="Admin">null, <c>admin</c> or <c>superadmin</c>.</param>
/// <param name="Status"><c>added</c>, <c>not_on_whatsapp</c>, <c>invite_required</c> (or <c>error_&lt;code&gt;</c>).</param>
public sealed record CreatedParticipantView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string? Lid,
    [property: JsonPropertyName("admin")] string? Admin,
    [property: JsonPropertyName("status")] string Status);
