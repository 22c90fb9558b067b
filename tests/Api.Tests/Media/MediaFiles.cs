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
