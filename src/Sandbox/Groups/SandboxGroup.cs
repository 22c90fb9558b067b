using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Groups;

/// <summary>A group the sandbox's server keeps: its metadata, settings, invite code and participants.</summary>
public sealed record SandboxGroup(
    string Id,
    string Subject,
    string SubjectOwner,
    long SubjectTime,
    string? Description,
    string? DescriptionId,
    string? DescriptionOwner,
    long? DescriptionTime,
    string Creator,
    long CreatedAt,
    bool Announce,
    bool Locked,
    AddressingMode Addressing,
    string InviteCode,
    IReadOnlyList<GroupMember> Members)
{
    /// <summary>The group JID, <c>&lt;id&gt;@g.us</c>.</summary>
    public string Jid => Id + "@g.us";

    /// <summary>The participant with <paramref name="phone"/>, or null.</summary>
    public GroupMember? Member(string phone) => Members.FirstOrDefault(m => m.Phone == phone);
}
