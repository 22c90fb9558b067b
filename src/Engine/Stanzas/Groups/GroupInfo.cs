namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>A group's metadata as the line keeps it: from the server's <c>&lt;group&gt;</c> node, then kept current by <c>w:gp2</c> notifications.</summary>
/// <param name="Jid">The group JID (<c>id@g.us</c>).</param>
/// <param name="Subject">The group's name.</param>
/// <param name="Description">The description text, or null.</param>
/// <param name="DescriptionId">The id of the current description (a change names it as <c>prev</c>), or null.</param>
/// <param name="Owner">The creator's JID, or null.</param>
/// <param name="CreatedAt">When the group was created, or null.</param>
/// <param name="Announce">Only admins may send.</param>
/// <param name="Locked">Only admins may edit the group's info.</param>
/// <param name="LidAddressing">The group addresses its members by LID (<c>addressing_mode="lid"</c>), else by phone number.</param>
/// <param name="Participants">Every participant.</param>
public sealed record GroupInfo(
    string Jid,
    string? Subject,
    string? Description,
    string? DescriptionId,
    string? Owner,
    DateTimeOffset? CreatedAt,
    bool Announce,
    bool Locked,
    bool LidAddressing,
    IReadOnlyList<GroupMember> Participants)
{
    /// <summary>The participant that <paramref name="userJid"/> (a bare PN or LID JID) names, or null.</summary>
    public GroupMember? Find(string userJid) => Participants.FirstOrDefault(p => p.Is(userJid));
}
