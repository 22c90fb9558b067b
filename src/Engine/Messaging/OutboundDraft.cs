namespace WaEngine.Engine.Messaging;

/// <summary>One new outbound message to store as queued, for a batch written in one transaction.</summary>
/// <param name="Message">The message (status queued, from us).</param>
/// <param name="ToJid">Its recipient.</param>
/// <param name="ExpiresAt">When it fails if still unsent.</param>
/// <param name="State">The recipient's reply routing state to set in the same write, or null.</param>
public sealed record OutboundDraft(MessageRecord Message, string ToJid, DateTimeOffset ExpiresAt, ReplyState? State)
{
    /// <summary>
    /// A step the send queue runs before the message goes out (such as <see cref="OutboundPrepareKinds.LinkPreview"/>),
    /// held in the same write; null sends it as stored.
    /// </summary>
    public string? Prepare { get; init; }
}
