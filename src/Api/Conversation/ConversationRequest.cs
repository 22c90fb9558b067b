using WaEngine.Engine.Messaging;
using WaEngine.Proto;

namespace WaEngine.Api.Conversation;

/// <summary>A checked location, contact or poll send: the chat and the message to queue.</summary>
/// <param name="To">The chat JID.</param>
/// <param name="Content">The message.</param>
/// <param name="State">The recipient's reply routing state to set with the send, or null.</param>
public sealed record ConversationRequest(string To, Message Content, ReplyState? State = null);
