using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Conversations.Bodies;

/// <summary>Body of POST /api/presence.</summary>
public sealed record PresenceBody
{
    /// <summary>available or unavailable.</summary>
    [JsonPropertyName("state")]
    [MaxLength(16)]
    [Description("available (online: contacts see the line online, delivery receipts become active) or unavailable.")]
    public required string State { get; init; }
}
