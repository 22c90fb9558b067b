using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.State;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging.Kinds;

namespace WaEngine.Api.Conversation.Bodies;

/// <summary>Body of POST /api/messages/contact: <c>{to, name, phone}</c> or <c>{to, vcard}</c>.</summary>
public sealed record ContactBody
{
    /// <summary>The recipient.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The recipient: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (6 to 15 digits, country code first).")]
    public required string To { get; init; }

    /// <summary>The contact's name (with <c>phone</c>).</summary>
    [JsonPropertyName("name")]
    [MaxLength(VCard.MaxNameLength)]
    [Description("The contact's name, with `phone`; the service builds the vCard. Give either name and phone, or vcard.")]
    public string? Name { get; init; }

    /// <summary>The contact's phone number (with <c>name</c>).</summary>
    [JsonPropertyName("phone")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The contact's phone number, +E.164 or digits (6 to 15, country code first), with `name`.")]
    public string? Phone { get; init; }

    /// <summary>A whole vCard (instead of name and phone).</summary>
    [JsonPropertyName("vcard")]
    [MaxLength(VCard.MaxLength)]
    [Description("A whole vCard (BEGIN:VCARD … END:VCARD, with VERSION and FN lines), instead of name and phone.")]
    public string? Vcard { get; init; }

    /// <summary>Routes the recipient's reply (CONTRACT §3c), set together with the send.</summary>
    [JsonPropertyName("state")]
    [Description("Optional: sets the recipient's reply routing state together with the send, as PUT /api/state/{jid} does.")]
    public ReplyStateBody? State { get; init; }
}
