using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.State;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Conversation.Bodies;

/// <summary>Body of POST /api/messages/location.</summary>
public sealed record LocationBody
{
    /// <summary>The recipient.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The recipient: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (6 to 15 digits, country code first).")]
    public required string To { get; init; }

    /// <summary>Degrees north, -90 to 90.</summary>
    [JsonPropertyName("latitude")]
    [Description("Degrees north, from -90 to 90 (a JSON number).")]
    public required double Latitude { get; init; }

    /// <summary>Degrees east, -180 to 180.</summary>
    [JsonPropertyName("longitude")]
    [Description("Degrees east, from -180 to 180 (a JSON number).")]
    public required double Longitude { get; init; }

    /// <summary>The place's name.</summary>
    [JsonPropertyName("name")]
    [MaxLength(ConversationRequestReader.MaxPlaceTextLength)]
    [Description("Optional: the place's name, up to 1,000 characters.")]
    public string? Name { get; init; }

    /// <summary>The place's address.</summary>
    [JsonPropertyName("address")]
    [MaxLength(ConversationRequestReader.MaxPlaceTextLength)]
    [Description("Optional: the place's address, up to 1,000 characters.")]
    public string? Address { get; init; }

    /// <summary>Routes the recipient's reply (CONTRACT §3c), set together with the send.</summary>
    [JsonPropertyName("state")]
    [Description("Optional: sets the recipient's reply routing state together with the send, as PUT /api/state/{jid} does.")]
    public ReplyStateBody? State { get; init; }
}
