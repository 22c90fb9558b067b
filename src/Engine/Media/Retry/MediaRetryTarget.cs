namespace WaEngine.Engine.Media.Retry;

/// <summary>The message whose expired media is asked for again, as its key names it, with its media key.</summary>
/// <param name="MsgId">The message id.</param>
/// <param name="ChatJid">The chat (the <c>rmr</c> <c>jid</c>).</param>
/// <param name="FromMe">Whether our account sent it.</param>
/// <param name="Participant">The sender in a group, else null.</param>
/// <param name="MediaKey">The message's 32-byte media key.</param>
public sealed record MediaRetryTarget(string MsgId, string ChatJid, bool FromMe, string? Participant, ReadOnlyMemory<byte> MediaKey);
