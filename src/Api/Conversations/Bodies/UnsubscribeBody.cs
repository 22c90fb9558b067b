using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Conversations.Bodies;

/// <summary>Body of POST /api/presence/unsubscribe.</summary>
public sealed record UnsubscribeBody
{
    /// <summary>The contact whose presence the line stops following.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The contact: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (either of its addresses forgets both).")]
    public required string To { get; init; }
}
