using System.Buffers.Binary;
using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Media;

/// <summary>
/// What the message says about a file besides its upload: the request's caption, file name and voice-note flag, and what
/// can be read from the file's first bytes — pixel dimensions of JPEG, PNG and WebP images and stickers, whether a
/// WebP sticker is animated.
/// </summary>
public static class MediaProbe
{
    /// <summary>The details for <paramref name="request"/> given the file's first bytes.</summary>
    public static MediaDetails Details(MediaRequest request, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (width, height) = request.Kind is MediaKind.Image or MediaKind.Sticker ? Dimensions(head) : (null, null);
        return new MediaDetails
        {
            Mimetype = request.Mimetype,
            Caption = request.Kind is MediaKind.Image or MediaKind.Video or MediaKind.Document ? request.Caption : null,
            FileName = request.Kind == MediaKind.Document ? request.FileName ?? "file" : null,
            Ptt = request.Ptt,
            Width = width,
            Height = height,
            IsAnimated = request.Kind == MediaKind.Sticker && MediaFileTypes.IsAnimatedWebP(head),
        };
    }

    /// <summary>Width and height of a JPEG, PNG or WebP image from its first bytes, or nulls when they cannot be read.</summary>
    public static (uint? Width, uint? Height) Dimensions(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 24 && head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) && head[12..16].SequenceEqual("IHDR"u8))
        {
            return (BinaryPrimitives.ReadUInt32BigEndian(head[16..]), BinaryPrimitives.ReadUInt32BigEndian(head[20..]));
        }

        if (head.Length >= 30 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            var chunk = head[12..16];
            if (chunk.SequenceEqual("VP8X"u8))
            {
                return (1 + (uint)(head[24] | head[25] << 8 | head[26] << 16), 1 + (uint)(head[27] | head[28] << 8 | head[29] << 16));
            }

            if (chunk.SequenceEqual("VP8 "u8) && head[23] == 0x9D && head[24] == 0x01 && head[25] == 0x2A)
            {
                return ((uint)(BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF), (uint)(BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF));
            }

            if (chunk.SequenceEqual("VP8L"u8) && head[20] == 0x2F)
            {
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
                return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
            }

            return (null, null);
        }

        if (head.Length >= 4 && head[0] == 0xFF && head[1] == 0xD8)
        {
            return JpegDimensions(head);
        }

        return (null, null);
    }

    // Walks the JPEG segments up to the first start-of-frame marker (SOF0–SOF15 except DHT, JPG and DAC).
    private static (uint?, uint?) JpegDimensions(ReadOnlySpan<byte> head)
    {
        var at = 2;
        while (at + 9 < head.Length)
        {
            if (head[at] != 0xFF)
            {
                return (null, null);
            }

            var marker = head[at + 1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(head[(at + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(head[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(head[(at + 5)..]));
            }

            if (marker is 0xD9 or 0xDA || length < 2)
            {
                return (null, null);
            }

            at += 2 + length;
        }

        return (null, null);
    }
}
