using WaEngine.Engine.Media;

namespace WaEngine.Api.Media;

/// <summary>
/// Media limits and the download cache (<c>Api:Media</c>, e.g. <c>Api__Media__ImageMaxBytes</c>). The defaults are the
/// limits WhatsApp applies: image 5 MB, video 16 MB, audio 16 MB, document 100 MB, sticker 100 KB static and 500 KB
/// animated. A file over its limit is refused with 413 before anything is uploaded.
/// </summary>
public sealed record MediaOptions
{
    private const long Megabyte = 1024 * 1024;

    /// <summary>Largest image (default 5 MB).</summary>
    public long ImageMaxBytes { get; init; } = 5 * Megabyte;

    /// <summary>Largest video (default 16 MB).</summary>
    public long VideoMaxBytes { get; init; } = 16 * Megabyte;

    /// <summary>Largest audio file or voice note (default 16 MB).</summary>
    public long AudioMaxBytes { get; init; } = 16 * Megabyte;

    /// <summary>Largest document (default 100 MB).</summary>
    public long DocumentMaxBytes { get; init; } = 100 * Megabyte;

    /// <summary>Largest static sticker (default 100 KB).</summary>
    public long StickerMaxBytes { get; init; } = 100 * 1024;

    /// <summary>Largest animated sticker (default 500 KB).</summary>
    public long AnimatedStickerMaxBytes { get; init; } = 500 * 1024;

    /// <summary>Disk space the decrypted-media cache of <c>GET /api/media</c> may use; the least recently used files go first (default 1 GB).</summary>
    public long CacheMaxBytes { get; init; } = 1024 * Megabyte;

    /// <summary>
    /// How long <c>GET /api/media</c> waits for our phone to upload expired media again (the media retry; default 30 s);
    /// zero turns the retry off (expired media is then 410 <c>media_expired</c> at once).
    /// </summary>
    public TimeSpan RetryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The ffmpeg that reads a sent video's first frame as its thumbnail, and its duration and dimensions where the MP4
    /// reader could not (default <c>ffmpeg</c>, looked up on PATH; a path works too). Empty turns it off: videos then go
    /// without a thumbnail. Missing, failing or slow, it costs the thumbnail only (a log line), never the send.
    /// </summary>
    public string Ffmpeg { get; init; } = "ffmpeg";

    /// <summary>How long ffmpeg may take for one video before it is killed and the video goes without a thumbnail (default 10 s).</summary>
    public TimeSpan FfmpegTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The limit for <paramref name="kind"/> (stickers: the animated limit, the larger one).</summary>
    public long MaxBytes(MediaKind kind) => kind switch
    {
        MediaKind.Image => ImageMaxBytes,
        MediaKind.Video => VideoMaxBytes,
        MediaKind.Audio => AudioMaxBytes,
        MediaKind.Document => DocumentMaxBytes,
        _ => Math.Max(StickerMaxBytes, AnimatedStickerMaxBytes),
    };

    /// <summary>The largest limit of all kinds (what a request body may need).</summary>
    public long LargestMaxBytes => new[] { ImageMaxBytes, VideoMaxBytes, AudioMaxBytes, DocumentMaxBytes, StickerMaxBytes, AnimatedStickerMaxBytes }.Max();

    /// <summary>The problems with these settings, each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (key, value) in new[]
        {
            ("ImageMaxBytes", ImageMaxBytes), ("VideoMaxBytes", VideoMaxBytes), ("AudioMaxBytes", AudioMaxBytes),
            ("DocumentMaxBytes", DocumentMaxBytes), ("StickerMaxBytes", StickerMaxBytes), ("AnimatedStickerMaxBytes", AnimatedStickerMaxBytes),
        })
        {
            if (value is < 1 or > 2L * 1024 * Megabyte)
            {
                yield return $"Api:Media:{key} is {value}; it must be between 1 and 2147483648 (2 GB).";
            }
        }

        if (RetryTimeout < TimeSpan.Zero || RetryTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"Api:Media:RetryTimeout is {RetryTimeout}; it must be between 00:00:00 (no media retry) and 00:10:00.";
        }

        if (FfmpegTimeout < TimeSpan.FromSeconds(1) || FfmpegTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"Api:Media:FfmpegTimeout is {FfmpegTimeout}; it must be between 00:00:01 and 00:05:00.";
        }

        if (CacheMaxBytes < 0)
        {
            yield return $"Api:Media:CacheMaxBytes is {CacheMaxBytes}; it must be 0 (no cache) or more.";
        }
    }
}
