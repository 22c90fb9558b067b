namespace WaEngine.Engine.Messaging;

/// <summary>One chat of a line as the chat list shows it.</summary>
/// <param name="Jid">The chat JID.</param>
/// <param name="Name">The peer's push name (or group subject) when known.</param>
/// <param name="IsGroup">True for <c>@g.us</c> chats.</param>
/// <param name="LastMessageAt">The newest message's time.</param>
/// <param name="Unread">Inbound messages since the chat was last marked read.</param>
public sealed record ChatSummary(string Jid, string? Name, bool IsGroup, DateTimeOffset? LastMessageAt, int Unread);
