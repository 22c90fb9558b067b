namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>One participant of a group as the server lists it.</summary>
/// <param name="Jid">The participant as the server names it in the group's addressing mode (a LID in LID groups).</param>
/// <param name="PhoneNumber">The participant's phone-number JID when known (the server's <c>phone_number</c>, or <paramref name="Jid"/> itself in PN groups).</param>
/// <param name="Lid">The participant's LID when known (the server's <c>lid</c>, or <paramref name="Jid"/> itself in LID groups).</param>
/// <param name="Admin">null for a member, <c>admin</c> or <c>superadmin</c>.</param>
public sealed record GroupMember(string Jid, string? PhoneNumber, string? Lid, string? Admin)
{
    /// <summary>True for admins and the super admin.</summary>
    public bool IsAdmin => Admin is "admin" or "superadmin";

    /// <summary>True when <paramref name="userJid"/> (a bare PN or LID JID) names this participant.</summary>
    public bool Is(string userJid) =>
        string.Equals(Jid, userJid, StringComparison.Ordinal) || string.Equals(PhoneNumber, userJid, StringComparison.Ordinal) || string.Equals(Lid, userJid, StringComparison.Ordinal);
}
