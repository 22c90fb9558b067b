namespace WaEngine.Sandbox.Accounts;

/// <summary>A virtual phone: a number, a LID, and the identity of its primary device (which is also its ADV account key).</summary>
public sealed record SandboxAccount(
    string Phone,
    string Lid,
    string? PushName,
    AddressingMode Addressing,
    byte[] IdentityPublic,
    byte[] IdentityPrivate,
    int RegistrationId,
    IReadOnlyList<SandboxDevice> Devices)
{
    /// <summary>The phone-number JID, <c>&lt;phone&gt;@s.whatsapp.net</c>.</summary>
    public string Jid => Phone + "@s.whatsapp.net";

    /// <summary>The LID JID, <c>&lt;lid&gt;@lid</c>.</summary>
    public string LidJid => Lid + "@lid";
}
