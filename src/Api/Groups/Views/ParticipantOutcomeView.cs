using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Views;

/// <summary>One participant of POST /api/groups/{jid}/participants and what happened to it.</summary>
/// <param name="Jid">The participant as asked for (normalised).</param>
/// <param name="Status"><c>added</c>, <c>removed</c>, <c>promoted</c>, <c>demoted</c>, <c>not_on_whatsapp</c>, <c>invite_required</c>, <c>not_in_group</c>, <c>already_in_group</c> or <c>error_&lt;code&gt;</c>.</param>
public sealed record ParticipantOutcomeView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("status")] string Status);
