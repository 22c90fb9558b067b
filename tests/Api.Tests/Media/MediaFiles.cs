using System.Security.Cryptography;

namespace WaEngine.Api.Tests.Media;

/// <summary>Small files whose first bytes are what their mimetype says (the rest random), one per kind.</summary>
internal static class MediaFiles
{
    public static byte[] Jpeg(int length) => WithHead(length, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00]);

    public static byte[] Png(int length, uint width = 640, uint height = 480)
    {
        var head = new byte[24];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(head, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(20), height);
        return WithHead(length, head);
    }

    public static byte[] Mp4(int length) => WithHead(length, [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'m', (byte)'p', (byte)'4', (byte)'2']);

    public static byte[] Ogg(int length) => WithHead(length, "OggS\0\u0002"u8.ToArray());

    /// <summary>An Ogg Opus file: the OpusHead page (pre-skip 312), random bytes, and a last page <paramref name="seconds"/> in.</summary>
    public static byte[] OggOpus(int length, double seconds, uint serial = 0x5EED)
    {
        var head = OggPage(serial, 0, 0, [.. "OpusHead"u8, 1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0]);
        var tail = OggPage(serial, 2, 312 + (long)(seconds * 48_000), new byte[10]);
        var file = RandomNumberGenerator.GetBytes(length);
        for (var i = file.AsSpan().IndexOf("OggS"u8); i >= 0; i = file.AsSpan().IndexOf("OggS"u8))
        {
            file[i] = 0;
        }

        head.CopyTo(file, 0);
        tail.CopyTo(file, length - tail.Length);
        return file;
    }

    public static byte[] OggPage(uint serial, uint sequence, long granule, byte[] packet)
    {
        var page = new byte[27 + 1 + packet.Length];
        "OggS"u8.CopyTo(page);
        page[5] = sequence == 0 ? (byte)2 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), serial);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), sequence);
        page[26] = 1;
        page[27] = (byte)packet.Length;
        packet.CopyTo(page, 28);
        return page;
    }

    public static byte[] Pdf(int length) => WithHead(length, "%PDF-1.7\n"u8.ToArray());

    /// <summary>A static (VP8X without the animation flag) or animated WebP header, 512×512.</summary>
    public static byte[] WebP(int length, bool animated = false)
    {
        var head = new byte[30];
        "RIFF"u8.CopyTo(head);
        "WEBPVP8X"u8.CopyTo(head.AsSpan(8));
        head[16] = 10;
        head[20] = animated ? (byte)0x02 : (byte)0x00;
        head[24] = 0xFF;
        head[25] = 0x01;
        head[27] = 0xFF;
        head[28] = 0x01;
        return WithHead(length, head);
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] WithHead(int length, byte[] head)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        head.CopyTo(data, 0);
        return data;
    }
}
