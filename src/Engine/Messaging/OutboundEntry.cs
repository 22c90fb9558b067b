namespace WaEngine.Engine.Messaging;

/// <summary>A message in the line's durable send queue: what to send, to whom, and until when to keep trying.</summary>
/// <param name="Message">The stored message (status queued or sending).</param>
/// <param name="ToJid">The destination as the stanza addresses it (the chat JID).</param>
/// <param name="ExpiresAt">After this the message fails with reason <c>expired</c>.</param>
/// <param name="Attempts">How many times sending was started.</param>
public sealed record OutboundEntry(MessageRecord Message, string ToJid, DateTimeOffset ExpiresAt, int Attempts);
