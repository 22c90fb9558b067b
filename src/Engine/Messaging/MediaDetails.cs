namespace WaEngine.Engine.Messaging;

/// <summary>What a media message says about its file besides the upload: what a person sees and what players need.</summary>
public sealed record MediaDetails
{
    /// <summary>The file's MIME type as the recipient's app will treat it.</summary>
    public required string Mimetype { get; init; }

    /// <summary>The caption (images, videos, documents).</summary>
    public string? Caption { get; init; }

    /// <summary>The file name (documents).</summary>
    public string? FileName { get; init; }

    /// <summary>A voice note rather than an audio file.</summary>
    public bool Ptt { get; init; }

    /// <summary>Duration in seconds (audio, video), where it could be read.</summary>
    public uint? Seconds { get; init; }

    /// <summary>Pixel width (images, videos, stickers), where it could be read.</summary>
    public uint? Width { get; init; }

    /// <summary>Pixel height, where it could be read.</summary>
    public uint? Height { get; init; }

    /// <summary>A small JPEG preview (images, videos).</summary>
    public byte[]? JpegThumbnail { get; init; }

    /// <summary>64 amplitude samples 0–100 for a voice note's bars.</summary>
    public byte[]? Waveform { get; init; }

    /// <summary>An animated sticker.</summary>
    public bool IsAnimated { get; init; }
}
