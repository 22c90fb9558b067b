using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Media;

/// <summary>
/// What a send reads from the whole file once it is on disk: an image's JPEG thumbnail (and its dimensions when its
/// first bytes did not give them), a voice note's waveform (and its duration when the streaming clock had none), and
/// the duration and dimensions of an MP4, 3GPP or M4A file whose <c>moov</c> comes after its media data, and a video's
/// first frame as its JPEG thumbnail (ffmpeg, through <see cref="VideoFrameReader"/>, which also gives a video's duration
/// and dimensions where the MP4 reader found none — a fragmented MP4's <c>moov</c> has no duration). Whatever fails to
/// read is left out and logged; it never fails the send.
/// </summary>
public static partial class MediaExtras
{
    /// <summary>Whether <paramref name="request"/>'s file is read whole after encryption (a copy kept on disk meanwhile).</summary>
    public static bool NeedsFile(MediaRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind == MediaKind.Image || IsVoiceNote(request) || IsIsoMedia(request);
    }

    /// <summary><paramref name="details"/> with what the file at <paramref name="path"/> adds.</summary>
    /// <param name="request">The send.</param>
    /// <param name="details">What the first bytes gave.</param>
    /// <param name="path">The plaintext copy of the file.</param>
    /// <param name="video">The ffmpeg reader for videos; null when ffmpeg is turned off.</param>
    /// <param name="logger">Where what is left out is said.</param>
    /// <param name="cancellationToken">Ends the reading.</param>
    public static async Task<MediaDetails> AddAsync(MediaRequest request, MediaDetails details, string path, VideoFrameReader? video, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            if (request.Kind == MediaKind.Image)
            {
                var (width, height, thumbnail) = ImageThumbnail.Read(path);
                if (thumbnail is null)
                {
                    LogLeftOut(logger, "thumbnail", "the image did not decode, or is over the decoding limit");
                }

                return details with { JpegThumbnail = thumbnail, Width = details.Width ?? width, Height = details.Height ?? height };
            }

            if (IsIsoMedia(request))
            {
                // The first bytes had no moov (it comes after the media data): found in the whole file instead.
                if (details.Seconds is null && await IsoMediaFile.ReadAsync(path, cancellationToken).ConfigureAwait(false) is { } movie)
                {
                    details = request.Kind == MediaKind.Video
                        ? details with { Seconds = movie.Seconds, Width = details.Width ?? movie.Width, Height = details.Height ?? movie.Height }
                        : details with { Seconds = movie.Seconds };
                }

                return request.Kind == MediaKind.Video ? await AddFrameAsync(details, path, video, logger, cancellationToken).ConfigureAwait(false) : details;
            }

            if (IsVoiceNote(request))
            {
                var (waveform, seconds) = await VoiceWaveform.ReadAsync(path, cancellationToken).ConfigureAwait(false);
                return details with { Waveform = waveform, Seconds = details.Seconds ?? seconds };
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // Third-party decoders meet hostile files here (Skia, Concentus): whatever they throw costs the extra only.
            LogLeftOut(logger, request.Kind switch { MediaKind.Image => "thumbnail", MediaKind.Video => "duration", _ => IsVoiceNote(request) ? "waveform" : "duration" }, ex.Message);
        }

        return details;
    }

    // The video's thumbnail from ffmpeg; its duration and dimensions too where the MP4 reader had none.
    private static async Task<MediaDetails> AddFrameAsync(MediaDetails details, string path, VideoFrameReader? video, ILogger logger, CancellationToken cancellationToken)
    {
        if (video is null)
        {
            LogLeftOut(logger, "thumbnail", "ffmpeg is turned off (Api__Media__Ffmpeg is empty)");
            return details;
        }

        var facts = await video.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (facts.Problem is { } problem)
        {
            LogLeftOut(logger, "thumbnail", problem);
        }

        var (width, height) = details.Width is not null && details.Height is not null ? (details.Width, details.Height) : (facts.Width, facts.Height);
        return details with { JpegThumbnail = facts.Thumbnail, Seconds = details.Seconds ?? facts.Seconds, Width = width, Height = height };
    }

    private static bool IsIsoMedia(MediaRequest request) =>
        request.Kind == MediaKind.Video || (request.Kind == MediaKind.Audio && MediaFileTypes.Essence(request.Mimetype) is "audio/mp4" or "audio/m4a" or "audio/x-m4a");

    private static bool IsVoiceNote(MediaRequest request) =>
        request.Kind == MediaKind.Audio && request.Ptt && MediaFileTypes.Essence(request.Mimetype) is "audio/ogg" or "audio/opus";

    [LoggerMessage(Level = LogLevel.Information, Message = "Media send: no {What} ({Reason}); the message goes without it")]
    private static partial void LogLeftOut(ILogger logger, string what, string reason);
}
