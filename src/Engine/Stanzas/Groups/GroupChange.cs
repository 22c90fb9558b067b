namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>
/// One change to a group, from a <c>w:gp2</c> notification or from a command of ours the server accepted. The store
/// applies it and journals the webhook event (<c>group.update</c> or <c>group.participants</c>) in one transaction.
/// </summary>
/// <param name="GroupJid">The group.</param>
/// <param name="By">Who made the change (a bare JID), or null.</param>
/// <param name="At">When.</param>
public abstract record GroupChange(string GroupJid, string? By, DateTimeOffset At)
{
    /// <summary>The group was created with us in it, or we joined it: its whole metadata.</summary>
    public sealed record Created(GroupInfo Group, string? By, DateTimeOffset At) : GroupChange(Group.Jid, By, At);

    /// <summary>Subject, description, announce or locked changed (null: unchanged).</summary>
    public sealed record Updated(string GroupJid, string? By, DateTimeOffset At, string? Subject = null, string? Description = null, string? DescriptionId = null,
        bool? Announce = null, bool? Locked = null) : GroupChange(GroupJid, By, At);

    /// <summary>Participants were added, removed, promoted or demoted, left, or joined by link.</summary>
    /// <param name="GroupJid">The group.</param>
    /// <param name="By">Who made the change, or null.</param>
    /// <param name="At">When.</param>
    /// <param name="Action"><c>add</c>, <c>remove</c>, <c>promote</c>, <c>demote</c>, <c>leave</c> or <c>join</c>.</param>
    /// <param name="Members">The participants concerned.</param>
    public sealed record Participants(string GroupJid, string? By, DateTimeOffset At, string Action, IReadOnlyList<GroupMember> Members) : GroupChange(GroupJid, By, At);
}
