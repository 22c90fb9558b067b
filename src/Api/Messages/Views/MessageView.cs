using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Messages.Views;

/// <summary>One message as GET /api/messages/{msg_id} shows it (CONTRACT.md §3), with the failure reason when it failed.</summary>
/// <param name="MsgId">The WhatsApp message id.</param>
/// <param name="ChatJid">Its chat.</param>
/// <param name="FromMe">True for messages this line sent.</param>
/// <param name="Type">text, reaction, edit, revoke, image, video, audio, document, sticker, protocol or unknown.</param>
/// <param name="Body">The text, caption or emoji; null for other kinds.</param>
/// <param name="Status">queued, sending, sent, server_ack, delivery_ack, read, failed (outbound) or received (inbound).</param>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="Error">Why it failed, for status failed; else null.</param>
/// <param name="ScheduledAt">Under the line's send pacing: when the queue writes (or wrote) our message; else null.</param>
public sealed record MessageView(
    [property: JsonPropertyName("msg_id")] string MsgId,
    [property: JsonPropertyName("chat_jid")] string ChatJid,
    [property: JsonPropertyName("from_me")] bool FromMe,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("scheduled_at")] DateTimeOffset? ScheduledAt = null)
{
    /// <summary>For a text sent with <c>link_preview</c>: the URL, whether the preview went with it, and why not.</summary>
    [JsonPropertyName("link_preview")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Conversation.LinkPreviews.LinkPreviewView? LinkPreview { get; init; }

    /// <summary>The view of a stored message.</summary>
    public static MessageView Of(MessageRecord message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(message.MsgId, message.ChatJid, message.FromMe, message.Type, message.Body, message.Status.ToName(), message.Timestamp.ToUnixTimeSeconds(), message.Error, message.ScheduledAt);
    }
}
