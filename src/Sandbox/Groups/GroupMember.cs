namespace WaEngine.Sandbox.Groups;

/// <summary>One participant of a sandbox group: the account's phone and its role (<c>member</c>, <c>admin</c> or <c>superadmin</c>).</summary>
public sealed record GroupMember(string Phone, string Role)
{
    /// <summary>The creator's role: an admin that cannot be demoted by other admins.</summary>
    public const string SuperAdmin = "superadmin";

    /// <summary>An admin's role.</summary>
    public const string Admin = "admin";

    /// <summary>A plain participant's role.</summary>
    public const string Plain = "member";

    /// <summary>Whether the participant may change the group and send in an announce group.</summary>
    public bool IsAdmin => Role is Admin or SuperAdmin;
}
