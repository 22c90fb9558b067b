using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Media.Bodies;

/// <summary>Body of POST /api/messages/video (MP4 or 3GPP, 16 MB by default).</summary>
public sealed record VideoBody : MediaBody
{
    /// <summary>The caption.</summary>
    [JsonPropertyName("caption")]
    [MaxLength(MessageBuilder.MaxTextLength)]
    [Description("Optional caption, up to 4,096 characters.")]
    public string? Caption { get; init; }
}
