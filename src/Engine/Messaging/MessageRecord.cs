namespace WaEngine.Engine.Messaging;

/// <summary>
/// One stored message of a line, inbound or outbound. Chats are keyed by the peer's phone-number JID
/// (<c>digits@s.whatsapp.net</c>) when it is known, else by its LID JID; the sender carries both ids where known.
/// </summary>
public sealed record MessageRecord
{
    /// <summary>The WhatsApp message id (unique per chat and sender).</summary>
    public required string MsgId { get; init; }

    /// <summary>The chat: the peer's bare JID for one-to-one chats, the group JID for groups.</summary>
    public required string ChatJid { get; init; }

    /// <summary>True for messages this line sent (from this device or another device of the same account).</summary>
    public required bool FromMe { get; init; }

    /// <summary>The sender's bare JID (phone-number form when known).</summary>
    public string? SenderJid { get; init; }

    /// <summary>The sender's phone-number JID, when known.</summary>
    public string? SenderPn { get; init; }

    /// <summary>The sender's LID JID, when known.</summary>
    public string? SenderLid { get; init; }

    /// <summary>For an inbound 1:1 message, the address it came from (the contact's LID or phone number, bare, as the server sent it); read receipts go there. Null otherwise.</summary>
    public string? OriginJid { get; init; }

    /// <summary><c>text</c>, <c>reaction</c>, <c>edit</c>, <c>revoke</c>, <c>image</c>, <c>video</c>, <c>audio</c>, <c>document</c>, <c>sticker</c>, <c>protocol</c> or <c>unknown</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The text a person reads (text, caption, reaction emoji, edited text), or null.</summary>
    public string? Body { get; init; }

    /// <summary>The WhatsApp <c>Message</c> protobuf (wrappers such as device-sent removed).</summary>
    public required byte[] Content { get; init; }

    /// <summary>The message this one quotes, reacts to, edits or deletes.</summary>
    public string? TargetMsgId { get; init; }

    /// <summary>The sender's push name as it came with the message.</summary>
    public string? PushName { get; init; }

    /// <summary>The message's time (the sender's for inbound, ours at creation for outbound).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The current status.</summary>
    public required MessageStatus Status { get; init; }

    /// <summary>Why it failed (with the server's code when there was one), for <see cref="MessageStatus.Failed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The API path of the decrypted media, for media messages.</summary>
    public string? MediaPath { get; init; }

    /// <summary>When a later edit replaced <see cref="Body"/>.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>True once the sender deleted it for everyone.</summary>
    public bool Revoked { get; init; }

    /// <summary>Our queued message under send pacing: when the queue is to write it (null without pacing).</summary>
    public DateTimeOffset? ScheduledAt { get; init; }
}
