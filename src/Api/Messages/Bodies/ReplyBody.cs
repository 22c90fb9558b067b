using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.State;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Messages.Bodies;

/// <summary>Body of POST /api/messages/reply.</summary>
public sealed record ReplyBody
{
    /// <summary>The recipient: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (6 to 15 digits) or a group id@g.us.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The recipient: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (6 to 15 digits, country code first). Or a group: id@g.us.")]
    public required string To { get; init; }

    /// <summary>The text, 1 to 4,096 characters.</summary>
    [JsonPropertyName("text")]
    [MaxLength(MessageBuilder.MaxTextLength)]
    [Description("The text, 1 to 4,096 characters, not only spaces.")]
    public required string Text { get; init; }

    /// <summary>The msg_id of the message replied to (same chat).</summary>
    [JsonPropertyName("quoted_msg_id")]
    [MaxLength(OutgoingRequestReader.MaxMsgIdLength)]
    [Description("The msg_id of the message replied to, in the same chat (ours or theirs).")]
    public required string QuotedMsgId { get; init; }

    /// <summary>Routes the recipient's reply (CONTRACT §3c), set together with the send.</summary>
    [JsonPropertyName("state")]
    [Description("Optional: sets the recipient's reply routing state together with the send, as PUT /api/state/{jid} does, so their reply reaches your handler with data.state.")]
    public ReplyStateBody? State { get; init; }
}
