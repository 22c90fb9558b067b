using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Engine.Stanzas.Contacts;

namespace WaEngine.Api.Conversations.Bodies;

/// <summary>Body of POST /api/contacts/check.</summary>
public sealed record ContactCheckBody
{
    /// <summary>The numbers to check.</summary>
    [JsonPropertyName("phones")]
    [MaxLength(ContactLookup.MaxNumbers)]
    [Description("1 to 50 phone numbers, +E.164 or digits (6 to 15 digits, country code first; spaces, dashes, dots and parentheses ignored).")]
    public required IReadOnlyList<string> Phones { get; init; }
}
