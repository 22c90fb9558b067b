using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Media.Bodies;

/// <summary>Body of POST /api/messages/document (any file type, 100 MB by default).</summary>
public sealed record DocumentBody : MediaBody
{
    /// <summary>Longest file name accepted.</summary>
    public const int MaxFileNameLength = 255;

    /// <summary>The caption.</summary>
    [JsonPropertyName("caption")]
    [MaxLength(MessageBuilder.MaxTextLength)]
    [Description("Optional caption, up to 4,096 characters.")]
    public string? Caption { get; init; }

    /// <summary>The file name the recipient sees.</summary>
    [JsonPropertyName("filename")]
    [MaxLength(MaxFileNameLength)]
    [Description("The file name the recipient sees (default: file).")]
    public string? FileName { get; init; }
}
