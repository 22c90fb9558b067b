using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Conversations.Bodies;

/// <summary>Body of POST /api/messages/read.</summary>
public sealed record ReadBody
{
    /// <summary>The chat whose messages are read.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The chat: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (the contact whose messages you read). Groups are not supported yet.")]
    public required string To { get; init; }

    /// <summary>The messages to mark read; absent, every unread message of the chat.</summary>
    [JsonPropertyName("msg_ids")]
    [MaxLength(ConversationReader.MaxReadIds)]
    [Description("Optional: ids of messages received in this chat (1 to 500). Left out, every unread message of the chat is marked read.")]
    public IReadOnlyList<string>? MsgIds { get; init; }
}
