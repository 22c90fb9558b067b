using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Conversations.Bodies;

/// <summary>Body of POST /api/presence/subscribe.</summary>
public sealed record SubscribeBody
{
    /// <summary>The contact whose presence the line follows.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The contact: digits@s.whatsapp.net, id@lid, +E.164 or bare digits.")]
    public required string To { get; init; }
}
