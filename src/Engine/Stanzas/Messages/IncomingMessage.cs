using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// An incoming <c>&lt;message&gt;</c> as the server delivers it: who sent it (device JID), in which chat, when, with the
/// sender's alternate address (phone number for a LID sender and the reverse) and its encrypted parts.
/// </summary>
public sealed record IncomingMessage
{
    /// <summary>The message id.</summary>
    public required string Id { get; init; }

    /// <summary>The <c>from</c> attribute: the sender's device JID for one-to-one chats, the group JID for groups.</summary>
    public required Jid From { get; init; }

    /// <summary>The sending device in a group (<c>participant</c>), else null.</summary>
    public Jid? Participant { get; init; }

    /// <summary>For a copy of our own message sent from another of our devices: the chat it was sent to.</summary>
    public Jid? Recipient { get; init; }

    /// <summary>The sender's time (unix seconds).</summary>
    public required long Timestamp { get; init; }

    /// <summary>The stanza type (<c>text</c>, <c>media</c>, <c>reaction</c>…).</summary>
    public string? Type { get; init; }

    /// <summary>The sender's push name (<c>notify</c>).</summary>
    public string? PushName { get; init; }

    /// <summary>The stanza's <c>category</c>: <c>peer</c> for a peer message from our own phone (history sync, app-state keys, peer data operations), else null.</summary>
    public string? Category { get; init; }

    /// <summary>True for a peer message from one of our own devices (<c>category="peer"</c>).</summary>
    public bool IsPeer => Category == "peer";

    /// <summary>
    /// For a message delivered without a ciphertext for us (<c>&lt;unavailable&gt;</c>, R15): its type, empty when it has
    /// none; null for an ordinary message.
    /// </summary>
    public string? Unavailable { get; init; }

    /// <summary>For a copy of our own message sent by LID: the chat's phone-number JID (<c>peer_recipient_pn</c>), when given.</summary>
    public Jid? RecipientPn { get; init; }

    /// <summary>The sender's phone-number JID when the sender is addressed by LID (<c>sender_pn</c>/<c>participant_pn</c>).</summary>
    public Jid? SenderPn { get; init; }

    /// <summary>The sender's LID JID when the sender is addressed by phone number (<c>sender_lid</c>/<c>participant_lid</c>).</summary>
    public Jid? SenderLid { get; init; }

    /// <summary>The encrypted parts, in order.</summary>
    public required IReadOnlyList<EncryptedPart> Parts { get; init; }

    /// <summary>The original node (receipts and acks echo its attributes).</summary>
    public required Node Node { get; init; }

    /// <summary>The device that sent it: <see cref="Participant"/> in groups, else <see cref="From"/>.</summary>
    public Jid SenderDevice => Participant ?? From;

    /// <summary>True for group (and broadcast) messages.</summary>
    public bool IsGroup => From.Server is JidServers.Group or JidServers.Broadcast;
}
