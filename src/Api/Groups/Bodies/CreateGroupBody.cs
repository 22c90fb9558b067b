using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Bodies;

/// <summary>Body of POST /api/groups.</summary>
public sealed record CreateGroupBody
{
    /// <summary>The group's name, 1 to 100 characters.</summary>
    [JsonPropertyName("subject")]
    [MaxLength(GroupLimits.MaxSubjectLength)]
    [Description("The group's name, 1 to 100 characters, not only spaces.")]
    public required string Subject { get; init; }

    /// <summary>The participants: phone numbers (+E.164 or digits) or JIDs, up to 256.</summary>
    [JsonPropertyName("participants")]
    [Description("The participants to add: phone numbers (+E.164 or digits) or JIDs (digits@s.whatsapp.net, id@lid), up to 256. The line itself is the group's admin. Each one's outcome is in the answer.")]
    public required IReadOnlyList<string> Participants { get; init; }
}
