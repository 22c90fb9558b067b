using System.ComponentModel;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Bodies;

/// <summary>Body of POST /api/sessions/{id}/pairing-code.</summary>
public sealed record PairingCodeBody
{
    /// <summary>The phone number to link.</summary>
    [JsonPropertyName("phone")]
    [Description("The phone number of the WhatsApp account to link: digits or +E.164, 6 to 15 digits, country code first.")]
    public required string Phone { get; init; }
}
