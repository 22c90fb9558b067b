namespace WaEngine.Engine.Messaging;

/// <summary>One status move of our own message, for a batch written in one transaction.</summary>
/// <param name="MsgId">The message.</param>
/// <param name="ChatJid">Its chat (for the event).</param>
/// <param name="Status">The status it moves to.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="At">When.</param>
public sealed record StatusUpdate(string MsgId, string ChatJid, MessageStatus Status, string? Error, DateTimeOffset At);
