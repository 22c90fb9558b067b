using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Bodies;

/// <summary>Body of PUT /api/groups/{jid}: at least one field.</summary>
public sealed record UpdateGroupBody
{
    /// <summary>A new name, 1 to 100 characters.</summary>
    [JsonPropertyName("subject")]
    [MaxLength(GroupLimits.MaxSubjectLength)]
    [Description("A new name, 1 to 100 characters.")]
    public string? Subject { get; init; }

    /// <summary>A new description, up to 2,048 characters; empty removes it.</summary>
    [JsonPropertyName("description")]
    [MaxLength(GroupLimits.MaxDescriptionLength)]
    [Description("A new description, up to 2,048 characters; an empty string removes it.")]
    public string? Description { get; init; }

    /// <summary>Only admins may send.</summary>
    [JsonPropertyName("announce")]
    [Description("true: only admins may send messages; false: everyone may.")]
    public bool? Announce { get; init; }

    /// <summary>Only admins may edit the group's info.</summary>
    [JsonPropertyName("locked")]
    [Description("true: only admins may change the subject, description and settings; false: everyone may.")]
    public bool? Locked { get; init; }
}
