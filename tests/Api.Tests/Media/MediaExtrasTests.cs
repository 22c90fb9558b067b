using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;
using StbImageSharp;
using WaEngine.Api.Media;
using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// Thumbnails and waveforms read from whole files: an image's 32-pixel JPEG (checked with StbImageSharp, another
/// decoder), a voice note's 64-value waveform following the loudness it was made with, and files that do not decode
/// (or would decode too big) giving nothing instead of failing.
/// </summary>
public class MediaExtrasTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, 1600, 1200)]
    [InlineData(SKEncodedImageFormat.Png, 300, 600)]
    [InlineData(SKEncodedImageFormat.Jpeg, 20, 10)]
    public void An_image_gets_a_32_pixel_JPEG_thumbnail_and_its_dimensions(SKEncodedImageFormat format, int width, int height)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "image");
        File.WriteAllBytes(path, RealMedia.Image(format, width, height));

        var (w, h, jpeg) = ImageThumbnail.Read(path);

        Assert.Equal(((uint)width, (uint)height), (w, h));
        Assert.NotNull(jpeg);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        var thumbnail = ImageResult.FromMemory(jpeg, ColorComponents.RedGreenBlue);
        Assert.Equal(32, thumbnail.Width);
        Assert.Equal(Math.Max(1, (int)Math.Round(32.0 * height / width)), thumbnail.Height);
        // Left red, right blue, as drawn.
        var row = thumbnail.Height / 2 * thumbnail.Width * 3;
        Assert.True(thumbnail.Data[row] > 180 && thumbnail.Data[row + 2] < 80, "the left edge is red");
        var right = row + (thumbnail.Width - 1) * 3;
        Assert.True(thumbnail.Data[right + 2] > 180 && thumbnail.Data[right] < 80, "the right edge is blue");
    }

    [Fact]
    public void A_file_that_does_not_decode_or_is_too_big_to_decode_gives_no_thumbnail()
    {
        using var folder = new TempFolder();
        var garbage = Path.Combine(folder.Path, "garbage");
        File.WriteAllBytes(garbage, MediaFiles.Png(5_000));
        Assert.Null(ImageThumbnail.Read(garbage).Jpeg);

        // A real 8000×8000 PNG header over a truncated body: over the decoding limit, nothing is decoded.
        var huge = RealMedia.Image(SKEncodedImageFormat.Png, 8000, 8000);
        var truncated = Path.Combine(folder.Path, "huge");
        File.WriteAllBytes(truncated, huge[..Math.Min(huge.Length, 4096)]);
        var (w, _, jpeg) = ImageThumbnail.Read(truncated);
        Assert.Equal(8000u, w);
        Assert.Null(jpeg);
        Assert.True(8000L * 8000 > ImageThumbnail.MaxDecodedPixels);
    }

    [Fact]
    public async Task A_voice_note_gets_64_values_that_follow_its_loudness_and_its_duration()
    {
        using var folder = new TempFolder();
        var rising = Path.Combine(folder.Path, "rising.ogg");
        await File.WriteAllBytesAsync(rising, RealMedia.VoiceNote(4.5, x => x));

        var (waveform, seconds) = await VoiceWaveform.ReadAsync(rising, CancellationToken.None);

        Assert.Equal(5u, seconds);
        Assert.Equal(64, waveform.Length);
        Assert.All(waveform, v => Assert.InRange(v, (byte)0, (byte)100));
        Assert.InRange(waveform.Max(), (byte)95, (byte)100);
        Assert.True(waveform[0] < 10, $"the first block is near silence ({waveform[0]})");
        Assert.InRange(waveform[32], (byte)35, (byte)65);
        Assert.True(waveform[..32].Average(v => v) < waveform[32..].Average(v => v), "louder at the end");

        var quiet = Path.Combine(folder.Path, "silent.ogg");
        await File.WriteAllBytesAsync(quiet, RealMedia.VoiceNote(1, _ => 0));
        Assert.All((await VoiceWaveform.ReadAsync(quiet, CancellationToken.None)).Waveform, v => Assert.Equal(0, v));
    }

    [Theory]
    [InlineData(4.5, "t/4.5", 5u)]
    [InlineData(61, "if(between(t,20,40),1,0.1)", 61u)]
    [InlineData(0.8, "1", 1u)]
    public async Task A_voice_note_libopus_made_has_its_duration_and_the_waveform_another_decoder_gives(double length, string volume, uint seconds)
    {
        // Encoded by ffmpeg's libopus and Ogg muxer, decoded for the reference by ffmpeg too: nothing of ours on that side.
        using var folder = new TempFolder();
        var bytes = FfmpegFiles.VoiceNote(folder.Path, length, volume);
        var path = Path.Combine(folder.Path, "voice.ogg");
        await File.WriteAllBytesAsync(path, bytes);

        var (waveform, read) = await VoiceWaveform.ReadAsync(path, CancellationToken.None);

        Assert.Equal(seconds, read);
        var clock = new OggOpusClock();
        clock.Feed(bytes);
        Assert.Equal(seconds, clock.Seconds(bytes));
        var reference = BaileysWaveform(FfmpegFiles.DecodeFirstChannel(path));
        Assert.True(
            waveform.Zip(reference).All(pair => Math.Abs(pair.First - pair.Second) <= 2),
            $"ours {string.Join(',', waveform)}\nthe reference {string.Join(',', reference)}");
    }

    [Fact]
    public async Task Audio_that_does_not_decode_leaves_the_message_without_a_waveform()
    {
        using var folder = new TempFolder();
        using var request = new MediaRequest(MediaKind.Audio, "1@s.whatsapp.net", null, default, "https://example.test/a.ogg", "audio/ogg; codecs=opus") { Ptt = true };
        var details = new MediaDetails { Mimetype = request.Mimetype, Ptt = true, Seconds = 7 };
        var cases = new Dictionary<string, byte[]>
        {
            ["random after an OpusHead"] = MediaFiles.OggOpus(20_000, seconds: 6.2),
            ["not Ogg"] = MediaFiles.Pdf(2_000),
            ["cut in the middle"] = RealMedia.VoiceNote(2, _ => 1)[..3_000],
            ["empty"] = [],
        };
        foreach (var (name, bytes) in cases)
        {
            var path = Path.Combine(folder.Path, Guid.NewGuid().ToString("N"));
            await File.WriteAllBytesAsync(path, bytes);
            var added = await MediaExtras.AddAsync(request, details, path, null, NullLogger.Instance, CancellationToken.None);
            Assert.True(added.Waveform is null, name);
            Assert.Equal(7u, added.Seconds);
        }
    }

    // Baileys' getAudioWaveform over decoded samples: 64 blocks of floor(n / 64) samples, each block's mean absolute
    // value, scaled so the largest is 1, times 100, floored.
    private static byte[] BaileysWaveform(float[] samples)
    {
        var block = samples.Length / 64;
        var means = new double[64];
        for (var i = 0; i < 64; i++)
        {
            double sum = 0;
            for (var j = 0; j < block; j++)
            {
                sum += Math.Abs(samples[block * i + j]);
            }

            means[i] = sum / block;
        }

        var multiplier = 1 / means.Max();
        return [.. means.Select(m => (byte)Math.Floor(100 * m * multiplier))];
    }
}
