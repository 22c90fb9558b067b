using System.ComponentModel;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Media.Bodies;

/// <summary>Body of POST /api/messages/audio (OGG Opus, MP3, M4A, AAC or AMR, 16 MB by default).</summary>
public sealed record AudioBody : MediaBody
{
    /// <summary>Send as a voice note.</summary>
    [JsonPropertyName("ptt")]
    [Description("true sends a voice note (push to talk); an OGG Opus mimetype (audio/ogg) makes it one too.")]
    public bool? Ptt { get; init; }
}
