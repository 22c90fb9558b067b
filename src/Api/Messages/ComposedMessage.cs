using WaEngine.Proto;

namespace WaEngine.Api.Messages;

/// <summary>A WhatsApp message ready to queue, and the chat it goes to.</summary>
/// <param name="ChatJid">The chat (the target's chat for replies, reactions, edits and deletes).</param>
/// <param name="Content">The message.</param>
public sealed record ComposedMessage(string ChatJid, Message Content);
