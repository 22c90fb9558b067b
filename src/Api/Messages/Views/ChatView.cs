using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Messages.Views;

/// <summary>One chat of GET /api/chats (CONTRACT.md §3).</summary>
/// <param name="Jid">The chat JID.</param>
/// <param name="Name">The peer's push name when known.</param>
/// <param name="IsGroup">1 for a group, 0 for a 1:1 chat (CONTRACT.md §3b: a number, not a JSON bool).</param>
/// <param name="LastMsgAt">The newest message's time, unix seconds.</param>
/// <param name="Unread">Inbound messages not yet marked read.</param>
public sealed record ChatView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("is_group")] int IsGroup,
    [property: JsonPropertyName("last_msg_at")] long? LastMsgAt,
    [property: JsonPropertyName("unread")] int Unread)
{
    /// <summary>The view of a chat summary.</summary>
    public static ChatView Of(ChatSummary chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return new(chat.Jid, chat.Name, chat.IsGroup ? 1 : 0, chat.LastMessageAt?.ToUnixTimeSeconds(), chat.Unread);
    }
}
