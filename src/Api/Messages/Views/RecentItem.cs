using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Messages.Views;

/// <summary>One message of GET /api/messages/recent (CONTRACT.md §3).</summary>
/// <param name="Id">The message's id in this list; the same as <paramref name="MsgId"/> (message ids are unique per chat and sender).</param>
/// <param name="ChatJid">Its chat.</param>
/// <param name="MsgId">The WhatsApp message id.</param>
/// <param name="FromMe">True for messages this line sent.</param>
/// <param name="SenderJid">The sender's bare JID, when known.</param>
/// <param name="Type">The message kind (text, reaction, edit, revoke, image, …).</param>
/// <param name="Body">The text, caption or emoji; null for other kinds.</param>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="Status">The status name.</param>
public sealed record RecentItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("chat_jid")] string ChatJid,
    [property: JsonPropertyName("msg_id")] string MsgId,
    [property: JsonPropertyName("from_me")] bool FromMe,
    [property: JsonPropertyName("sender_jid")] string? SenderJid,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("status")] string Status)
{
    /// <summary>The item of a stored message.</summary>
    public static RecentItem Of(MessageRecord message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(message.MsgId, message.ChatJid, message.MsgId, message.FromMe, message.SenderJid, message.Type, message.Body, message.Timestamp.ToUnixTimeSeconds(), message.Status.ToName());
    }
}
