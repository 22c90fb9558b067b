using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Bodies;

/// <summary>Body of POST /api/groups/join.</summary>
public sealed record JoinGroupBody
{
    /// <summary>An invite code or a <c>https://chat.whatsapp.com/…</c> link.</summary>
    [JsonPropertyName("code")]
    [MaxLength(GroupLimits.MaxInviteInputLength)]
    [Description("An invite code, or the whole https://chat.whatsapp.com/<code> link.")]
    public required string Code { get; init; }
}
