using System.Text.Json.Serialization;

namespace WaEngine.Sandbox.Control;

/// <summary><c>POST /sandbox/accounts/{phone}/groups</c> body: the subject, the participants (phones or JIDs) and the group's addressing mode (default <c>lid</c>, as WhatsApp creates groups today).</summary>
public sealed record CreateGroupRequest(
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("participants")] IReadOnlyList<string>? Participants,
    [property: JsonPropertyName("addressing")] string? Addressing);

/// <summary>One participant of a group view, or its outcome in a create answer (<c>added</c>, <c>not_on_whatsapp</c>, <c>invite_required</c>).</summary>
public sealed record GroupParticipantView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string? Lid,
    [property: JsonPropertyName("admin")] string? Admin,
    [property: JsonPropertyName("status")] string? Status);

/// <summary>A group as the control API shows it (and the create answer).</summary>
public sealed record GroupView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("addressing")] string Addressing,
    [property: JsonPropertyName("announce")] bool Announce,
    [property: JsonPropertyName("locked")] bool Locked,
    [property: JsonPropertyName("invite_code")] string InviteCode,
    [property: JsonPropertyName("participants")] IReadOnlyList<GroupParticipantView> Participants);

/// <summary><c>PUT /sandbox/accounts/{phone}/group-add</c> body: who may add the account to groups, <c>all</c> or <c>none</c>.</summary>
public sealed record GroupAddRequest([property: JsonPropertyName("mode")] string? Mode);
