using Microsoft.Extensions.Logging.Abstractions;
using StbImageSharp;
using WaEngine.Api.Media;
using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// A video's thumbnail, duration and dimensions read by ffmpeg as a child process, on videos ffmpeg made (the thumbnail
/// checked with StbImageSharp, another decoder); and every way ffmpeg can let a send down — missing, failing on a file
/// that is no video, slow, answering too much — giving no thumbnail and a reason, never an exception or a hang.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class VideoFrameReaderTests
{
    private static readonly VideoFrameReader Reader = new("ffmpeg", TimeSpan.FromMinutes(1));

    [Fact]
    public async Task A_video_gives_a_32_pixel_JPEG_of_its_first_frame_its_duration_and_dimensions()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "video");
        await File.WriteAllBytesAsync(path, FfmpegFiles.Video(folder.Path, 320, 240, seconds: 2.5));

        var facts = await Reader.ReadAsync(path, CancellationToken.None);

        Assert.Null(facts.Problem);
        Assert.Equal(((uint?)3u, (uint?)320u, (uint?)240u), (facts.Seconds, facts.Width, facts.Height));
        var thumbnail = ImageResult.FromMemory(facts.Thumbnail, ColorComponents.RedGreenBlue);
        Assert.Equal((32, 24), (thumbnail.Width, thumbnail.Height));
        var row = thumbnail.Height / 2 * thumbnail.Width * 3;
        Assert.True(thumbnail.Data[row] > 180 && thumbnail.Data[row + 2] < 80, "the left edge is red");
        var right = row + (thumbnail.Width - 1) * 3;
        Assert.True(thumbnail.Data[right + 2] > 180 && thumbnail.Data[right] < 80, "the right edge is blue");
    }

    [Fact]
    public async Task A_portrait_video_stored_landscape_gives_its_dimensions_as_shown_from_ffmpeg_and_from_its_moov()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "video");
        await File.WriteAllBytesAsync(path, FfmpegFiles.Video(folder.Path, 320, 240, seconds: 1, rotate: 90));

        var facts = await Reader.ReadAsync(path, CancellationToken.None);
        Assert.Null(facts.Problem);
        Assert.Equal(((uint?)240u, (uint?)320u), (facts.Width, facts.Height));
        var thumbnail = ImageResult.FromMemory(facts.Thumbnail, ColorComponents.RedGreenBlue);
        Assert.True(thumbnail.Height > thumbnail.Width, $"the thumbnail is shown upright too: {thumbnail.Width}x{thumbnail.Height}");

        var movie = await IsoMediaFile.ReadAsync(path, CancellationToken.None);
        Assert.Equal(((uint?)240u, (uint?)320u), (movie?.Width, movie?.Height));
    }

    [Fact]
    public async Task A_fragmented_MP4_whose_moov_has_no_duration_gets_it_from_ffmpeg()
    {
        using var folder = new TempFolder();
        var bytes = FfmpegFiles.Video(folder.Path, 180, 320, seconds: 7.5, fragmented: true);
        var path = Path.Combine(folder.Path, "fragmented");
        await File.WriteAllBytesAsync(path, bytes);
        using var request = new MediaRequest(MediaKind.Video, "1@s.whatsapp.net", null, default, "https://example.test/v.mp4", "video/mp4");
        var first = MediaProbe.Details(request, bytes.AsSpan(0, Math.Min(bytes.Length, 64 * 1024)));
        Assert.Null(first.Seconds);

        var details = await MediaExtras.AddAsync(request, first, path, Reader, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(((uint?)8u, (uint?)180u, (uint?)320u), (details.Seconds, details.Width, details.Height));
        Assert.Equal((32, 57), ImageSize(details.JpegThumbnail!));
    }

    [Fact]
    public async Task Missing_failing_slow_or_talkative_ffmpeg_gives_no_thumbnail_and_says_why()
    {
        using var folder = new TempFolder();
        var video = Path.Combine(folder.Path, "video");
        await File.WriteAllBytesAsync(video, FfmpegFiles.Video(folder.Path, 64, 48, seconds: 1));

        var missing = await new VideoFrameReader(Path.Combine(folder.Path, "no-ffmpeg"), TimeSpan.FromMinutes(1)).ReadAsync(video, CancellationToken.None);
        Assert.Contains("could not start", missing.Problem, StringComparison.Ordinal);

        // Random bytes behind an MP4 header: ffmpeg fails, and says so.
        var noVideo = Path.Combine(folder.Path, "random.mp4");
        await File.WriteAllBytesAsync(noVideo, MediaFiles.Mp4(50_000));
        var failed = await Reader.ReadAsync(noVideo, CancellationToken.None);
        Assert.Null(failed.Thumbnail);
        Assert.Contains("no frame (exit code", failed.Problem, StringComparison.Ordinal);

        // A stand-in that never answers is killed at the timeout, with what it started.
        var slow = await new VideoFrameReader(Script(folder, "slow", "sleep 600"), TimeSpan.FromSeconds(1)).ReadAsync(video, CancellationToken.None);
        Assert.Null(slow.Thumbnail);
        Assert.Contains("took longer than 1 s", slow.Problem, StringComparison.Ordinal);

        // One that writes a megabyte for a 32-pixel frame is cut off.
        var talkative = await new VideoFrameReader(Script(folder, "talkative", "head -c 1000000 /dev/zero"), TimeSpan.FromMinutes(1)).ReadAsync(video, CancellationToken.None);
        Assert.Null(talkative.Thumbnail);
        Assert.Contains($"more than {VideoFrameReader.MaxThumbnailBytes} bytes", talkative.Problem, StringComparison.Ordinal);

        // Turned off: the send goes without a thumbnail.
        using var request = new MediaRequest(MediaKind.Video, "1@s.whatsapp.net", null, default, "https://example.test/v.mp4", "video/mp4");
        var details = await MediaExtras.AddAsync(request, new MediaDetails { Mimetype = "video/mp4", Seconds = 1 }, video, null, NullLogger.Instance, CancellationToken.None);
        Assert.Null(details.JpegThumbnail);
        Assert.Null(VideoFrameReader.From(new MediaOptions { Ffmpeg = "" }));
    }

    [Fact]
    public void The_log_gives_the_inputs_duration_and_first_video_stream_never_the_outputs_or_a_codec_tag()
    {
        const string log = """
            Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/tmp/v.plain':
              Duration: 00:01:02.04, start: 0.000000, bitrate: 154 kb/s
              Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s (default)
              Stream #0:1[0x2](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 1000 kb/s, 30 fps
            Stream mapping:
              Stream #0:1 -> #0:0 (h264 (native) -> mjpeg (native))
            Output #0, image2pipe, to 'pipe:1':
              Stream #0:0(und): Video: mjpeg, yuvj420p(pc, progressive), 32x18 [SAR 1:1 DAR 16:9], q=2-31, 200 kb/s
            """;
        var facts = VideoFrameReader.ParseLog(log);
        Assert.Equal(((uint?)63u, (uint?)1920u, (uint?)1080u), (facts.Seconds, facts.Width, facts.Height));

        const string turned = """
            Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/tmp/v.plain':
              Duration: 00:00:05.00, start: 0.000000, bitrate: 154 kb/s
              Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 1000 kb/s, 30 fps
                Metadata:
                  handler_name    : VideoHandler
                Side data:
                  displaymatrix: rotation of -90.00 degrees
              Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s (default)
                Side data:
                  displaymatrix: rotation of 180.00 degrees
            Stream mapping:
            """;
        Assert.Equal(((uint?)1080u, (uint?)1920u), (VideoFrameReader.ParseLog(turned).Width, VideoFrameReader.ParseLog(turned).Height));
        var upsideDown = turned.Replace("-90.00", "180.00", StringComparison.Ordinal);
        Assert.Equal(((uint?)1920u, (uint?)1080u), (VideoFrameReader.ParseLog(upsideDown).Width, VideoFrameReader.ParseLog(upsideDown).Height));

        var unknown = VideoFrameReader.ParseLog("Input #0, mov, from 'x':\n  Duration: N/A, bitrate: N/A\n  Stream #0:0: Video: h264 (avc1 / 0x31637661), none\n");
        Assert.Equal(((uint?)null, (uint?)null, (uint?)null), (unknown.Seconds, unknown.Width, unknown.Height));
        Assert.Null(VideoFrameReader.ParseLog("file: Invalid data found when processing input").Seconds);
    }

    private static (int, int) ImageSize(byte[] jpeg)
    {
        var image = ImageResult.FromMemory(jpeg, ColorComponents.RedGreenBlue);
        return (image.Width, image.Height);
    }

    private static string Script(TempFolder folder, string name, string body)
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
