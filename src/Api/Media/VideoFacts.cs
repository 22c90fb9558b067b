namespace WaEngine.Api.Media;

/// <summary>What <see cref="VideoFrameReader"/> read from a video: each part null when it could not be read, and why not in <see cref="Problem"/>.</summary>
public sealed record VideoFacts
{
    /// <summary>The first frame as a JPEG 32 pixels wide, or null.</summary>
    public byte[]? Thumbnail { get; init; }

    /// <summary>The duration in whole seconds (rounded up), or null.</summary>
    public uint? Seconds { get; init; }

    /// <summary>The first video stream's width in pixels, or null.</summary>
    public uint? Width { get; init; }

    /// <summary>The first video stream's height in pixels, or null.</summary>
    public uint? Height { get; init; }

    /// <summary>Why there is no thumbnail (ffmpeg missing, failed, slow or too talkative), or null when there is one.</summary>
    public string? Problem { get; init; }
}
