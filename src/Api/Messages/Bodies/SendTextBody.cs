using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.State;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Messages.Bodies;

/// <summary>Body of POST /api/messages/send.</summary>
public sealed record SendTextBody
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

    /// <summary>Sends the text's first URL with a preview (title, description, thumbnail).</summary>
    [JsonPropertyName("link_preview")]
    [Description("Optional: true fetches the text's first http(s) URL (same address rules, redirect cap, timeout and size limits as media URLs) and sends its title, description and a small thumbnail with the text. A failed fetch sends the text without a preview; GET /api/messages/{id} says why in link_preview.")]
    public bool? LinkPreview { get; init; }

    /// <summary>Routes the recipient's reply (CONTRACT §3c), set together with the send.</summary>
    [JsonPropertyName("state")]
    [Description("Optional: sets the recipient's reply routing state together with the send, as PUT /api/state/{jid} does, so their reply reaches your handler with data.state.")]
    public ReplyStateBody? State { get; init; }
}
