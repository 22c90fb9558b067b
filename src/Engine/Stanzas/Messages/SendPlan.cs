using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>What the sender learned before encrypting: the devices to send to and bundles for those without a session.</summary>
/// <param name="To">The stanza's <c>to</c>: the chat in the namespace every target is addressed in (SERVER-RULES R1).</param>
/// <param name="PeerRecipientPn">When <paramref name="To"/> is a LID: the chat's phone-number JID, else null.</param>
/// <param name="Targets">Every device to encrypt for.</param>
/// <param name="TokenContact">The contact whose privacy tokens this 1:1 message uses (its LID when known); null for a note to self.</param>
/// <param name="TcToken">The contact's live trusted-contact token, attached as <c>&lt;tctoken&gt;</c>; null if none.</param>
/// <param name="IssueDue">Whether our own token should be issued to the contact once the message is written.</param>
/// <param name="Phash">The participant hash over both accounts' listed devices, in the stanza's namespace (R16); null for a note to self.</param>
/// <param name="ListedUsers">The users whose cached device lists the targets came from (dropped when the server's phash differs).</param>
/// <param name="Bundles">Prekey bundles for targets that had no session.</param>
internal sealed record SendPlan(string To, string? PeerRecipientPn, IReadOnlyList<SendTarget> Targets, IReadOnlyDictionary<SignalAddress, PreKeyBundle> Bundles,
    string? TokenContact = null, byte[]? TcToken = null, bool IssueDue = false, string? Phash = null, string[]? ListedUsers = null)
{
    /// <summary>For a group message: the sender-key part (then <see cref="Targets"/> are the devices that get our sender key first); null for 1:1.</summary>
    public GroupSendPlan? Group { get; init; }

    /// <summary>When no trusted-contact token lives: our cstoken for the contact (HMAC under our NCT salt over its LID), attached as <c>&lt;cstoken&gt;</c> (R2); else null.</summary>
    public byte[]? CsToken { get; init; }
}
