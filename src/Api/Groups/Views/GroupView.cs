using System.Text.Json.Serialization;
using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Api.Groups.Views;

/// <summary>One group of GET /api/groups/{jid} (and of PUT).</summary>
/// <param name="Jid">The group JID.</param>
/// <param name="Subject">Its name.</param>
/// <param name="Description">Its description, or null.</param>
/// <param name="Owner">Its creator, or null.</param>
/// <param name="CreatedAt">When it was created, unix seconds.</param>
/// <param name="Announce">Only admins may send.</param>
/// <param name="Locked">Only admins may edit its info.</param>
/// <param name="Participants">Every participant.</param>
public sealed record GroupView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("owner")] string? Owner,
    [property: JsonPropertyName("created_at")] long? CreatedAt,
    [property: JsonPropertyName("announce")] bool Announce,
    [property: JsonPropertyName("locked")] bool Locked,
    [property: JsonPropertyName("participants")] IReadOnlyList<GroupParticipantView> Participants)
{
    /// <summary>The view of <paramref name="group"/>.</summary>
    public static GroupView Of(GroupInfo group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new(group.Jid, group.Subject, group.Description, group.Owner, group.CreatedAt?.ToUnixTimeSeconds(), group.Announce, group.Locked,
            group.Participants.Select(GroupParticipantView.Of).ToList());
    }
}
