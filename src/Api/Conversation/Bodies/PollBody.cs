using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.State;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging.Kinds;

namespace WaEngine.Api.Conversation.Bodies;

/// <summary>Body of POST /api/messages/poll.</summary>
public sealed record PollBody
{
    /// <summary>The recipient.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The recipient: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (6 to 15 digits, country code first).")]
    public required string To { get; init; }

    /// <summary>The question.</summary>
    [JsonPropertyName("question")]
    [MaxLength(ConversationBuilder.MaxPollQuestionLength)]
    [Description("The question, 1 to 255 characters.")]
    public required string Question { get; init; }

    /// <summary>2 to 12 distinct options.</summary>
    [JsonPropertyName("options")]
    [Description("2 to 12 options, each 1 to 100 characters, no two the same.")]
    public required IReadOnlyList<string> Options { get; init; }

    /// <summary>True lets a voter pick several options; default one.</summary>
    [JsonPropertyName("multiple")]
    [Description("Optional: true lets each voter pick any number of options; default false (one option).")]
    public bool? Multiple { get; init; }

    /// <summary>Routes the recipient's reply (CONTRACT §3c), set together with the send.</summary>
    [JsonPropertyName("state")]
    [Description("Optional: sets the recipient's reply routing state together with the send, as PUT /api/state/{jid} does.")]
    public ReplyStateBody? State { get; init; }
}
