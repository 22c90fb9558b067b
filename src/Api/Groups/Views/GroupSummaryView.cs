using System.Text.Json.Serialization;
using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Api.Groups.Views;

/// <summary>One group of GET /api/groups.</summary>
/// <param name="Jid">The group JID.</param>
/// <param name="Subject">Its name.</param>
/// <param name="ParticipantsCount">How many participants it has.</param>
/// <param name="IsAdmin">Whether the line is an admin.</param>
/// <param name="CreatedAt">When it was created, unix seconds.</param>
public sealed record GroupSummaryView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("participants_count")] int ParticipantsCount,
    [property: JsonPropertyName("is_admin")] bool IsAdmin,
    [property: JsonPropertyName("created_at")] long? CreatedAt)
{
    /// <summary>The view of <paramref name="group"/>.</summary>
    public static GroupSummaryView Of(GroupInfo group, bool isAdmin)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new(group.Jid, group.Subject, group.Participants.Count, isAdmin, group.CreatedAt?.ToUnixTimeSeconds());
    }
}
