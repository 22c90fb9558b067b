using System.Text.Json.Serialization;
using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Api.Groups.Views;

/// <summary>One participant of a group.</summary>
/// <param name="Jid">Its phone-number JID when known, else its LID.</param>
/// <param name="Lid">Its LID when known.</param>
/// <param name="Admin">null, <c>admin</c> or <c>superadmin</c>.</param>
public sealed record GroupParticipantView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string? Lid,
    [property: JsonPropertyName("admin")] string? Admin)
{
    /// <summary>The view of <paramref name="member"/>.</summary>
    public static GroupParticipantView Of(GroupMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new(member.PhoneNumber ?? member.Jid, member.Lid, member.Admin);
    }
}
