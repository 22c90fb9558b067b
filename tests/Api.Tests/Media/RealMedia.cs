using System.Buffers.Binary;
using Concentus;
using Concentus.Enums;
using SkiaSharp;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// Real files for what is read from a whole file: images drawn and encoded with SkiaSharp, and Ogg Opus voice notes
/// encoded with Concentus and framed in Ogg pages (with their CRC) here — the decoding side is checked against
/// independent readers (StbImageSharp, Baileys' sharp) or against the loudness the audio was made with. Concentus is
/// also the service's decoder, so the voice notes that prove duration and waveform come from an independent encoder
/// too (<see cref="FfmpegFiles.VoiceNote"/>, libopus); these serve the edge cases (silence, a file cut short).
/// </summary>
internal static class RealMedia
{
    private const int SampleRate = 48_000;
    private const int FrameSamples = 960;
    private const int PreSkip = 312;

    /// <summary>A <paramref name="width"/>×<paramref name="height"/> image: left half red, right half blue.</summary>
    public static byte[] Image(SKEncodedImageFormat format, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, width / 2f, height, red);
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A mono voice note of <paramref name="seconds"/>: a 440 Hz tone whose amplitude at time t is <paramref name="loudness"/>(t / seconds).</summary>
    public static byte[] VoiceNote(double seconds, Func<double, double> loudness, uint serial = 0xC0FFEE)
    {
        var encoder = OpusCodecFactory.CreateEncoder(SampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        using var file = new MemoryStream();
        uint sequence = 0;
        file.Write(Page(serial, sequence++, 0, 0x02, [[.. "OpusHead"u8, 1, 1, PreSkip & 0xFF, PreSkip >> 8, 0x80, 0xBB, 0, 0, 0, 0, 0]]));
        file.Write(Page(serial, sequence++, 0, 0, [[.. "OpusTags"u8, 4, 0, 0, 0, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 0, 0]]));
        var total = (int)(seconds * SampleRate);
        var pcm = new float[FrameSamples];
        var packet = new byte[1500];
        for (var at = 0; at < total; at += FrameSamples)
        {
            for (var i = 0; i < FrameSamples; i++)
            {
                var t = (double)(at + i) / SampleRate;
                pcm[i] = (float)(loudness(t / seconds) * 0.8 * Math.Sin(2 * Math.PI * 440 * t));
            }

            var length = encoder.Encode(pcm, FrameSamples, packet, packet.Length);
            var last = at + FrameSamples >= total;
            var granule = PreSkip + (long)Math.Min(at + FrameSamples, total);
            file.Write(Page(serial, sequence++, granule, last ? (byte)0x04 : (byte)0, [packet[..length]]));
        }

        return file.ToArray();
    }

    private static byte[] Page(uint serial, uint sequence, long granule, byte flags, byte[][] packets)
    {
        var lacing = new List<byte>();
        foreach (var p in packets)
        {
            for (var left = p.Length; ; left -= 255)
            {
                lacing.Add((byte)Math.Min(left, 255));
                if (left < 255)
                {
                    break;
                }
            }
        }

        var body = packets.Sum(p => p.Length);
        var page = new byte[27 + lacing.Count + body];
        "OggS"u8.CopyTo(page);
        page[5] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), serial);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), sequence);
        page[26] = (byte)lacing.Count;
        lacing.ToArray().CopyTo(page, 27);
        var at = 27 + lacing.Count;
        foreach (var p in packets)
        {
            p.CopyTo(page, at);
            at += p.Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), Crc(page));
        return page;
    }

    // Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, over the page with its CRC field zero.
    private static uint Crc(ReadOnlySpan<byte> page)
    {
        uint crc = 0;
        foreach (var b in page)
        {
            crc ^= (uint)b << 24;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }

        return crc;
    }
}
