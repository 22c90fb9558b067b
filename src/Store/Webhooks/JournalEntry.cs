using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Webhooks;

/// <summary>One row of a line's event journal (<c>line_events</c>), with the stored message it names, if any.</summary>
/// <param name="Seq">The journal's sequence number (increasing in commit order).</param>
/// <param name="Event"><c>messages.received</c>, <c>message.status</c> or <c>session.status</c>.</param>
/// <param name="ChatJid">The chat the event is about, or null for line-wide events.</param>
/// <param name="MsgId">The message the event is about, or null.</param>
/// <param name="Status">The new status name (<c>message.status</c>, <c>session.status</c>), or null.</param>
/// <param name="Detail">An error or reason that came with the status, or null.</param>
/// <param name="CreatedAt">When the journal row was written.</param>
/// <param name="Message">The stored message of a <c>messages.received</c> row, or null.</param>
/// <param name="State">The sender's reply routing state when the row was written (CONTRACT §3c), or null.</param>
public sealed record JournalEntry(long Seq, string Event, string? ChatJid, string? MsgId, string? Status, string? Detail, DateTimeOffset CreatedAt, MessageRecord? Message, ReplyState? State = null);
