using System.Buffers.Binary;
using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Media;

/// <summary>
/// What the message says about a file besides its upload: the request's caption, file name and voice-note flag, and what
/// can be read from the file's first bytes — pixel dimensions of JPEG, PNG and WebP images and stickers, whether a
/// WebP sticker is animated, and the duration (and a video's dimensions) of MP4, 3GPP and M4A files whose <c>moov</c>
/// comes first (as "fast start" files have it; otherwise <see cref="IsoMediaFile"/> finds it in the whole file).
/// </summary>
public static class MediaProbe
{
    /// <summary>The details for <paramref name="request"/> given the file's first bytes.</summary>
    public static MediaDetails Details(MediaRequest request, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (width, height) = request.Kind is MediaKind.Image or MediaKind.Sticker ? Dimensions(head) : (null, null);
        uint? seconds = null;
        if (request.Kind is MediaKind.Video or MediaKind.Audio && IsoMedia(head) is { } movie)
        {
            seconds = movie.Seconds;
            (width, height) = request.Kind == MediaKind.Video ? (movie.Width, movie.Height) : (null, null);
        }

        return new MediaDetails
        {
            Mimetype = request.Mimetype,
            Caption = request.Kind is MediaKind.Image or MediaKind.Video or MediaKind.Document ? request.Caption : null,
            FileName = request.Kind == MediaKind.Document ? request.FileName ?? "file" : null,
            Ptt = request.Ptt,
            Seconds = seconds,
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

    /// <summary>
    /// Duration in whole seconds (rounded up) and the first visual track's width and height of an ISO media file (MP4,
    /// 3GPP, M4A) when its <c>moov</c> box lies within <paramref name="head"/>; null when it does not.
    /// </summary>
    public static (uint? Seconds, uint? Width, uint? Height)? IsoMedia(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8 || !head[4..8].SequenceEqual("ftyp"u8) || !FindBox(head, "moov"u8, out var moov, out _))
        {
            return null;
        }

        return FromMoov(moov);
    }

    /// <summary>Duration (whole seconds, rounded up) and the first visual track's width and height from a <c>moov</c> box's content.</summary>
    public static (uint? Seconds, uint? Width, uint? Height) FromMoov(ReadOnlySpan<byte> moov)
    {
        uint? seconds = null;
        if (FindBox(moov, "mvhd"u8, out var mvhd, out _) && mvhd.Length >= 20)
        {
            var (timescale, duration) = mvhd[0] == 1 && mvhd.Length >= 32
                ? (BinaryPrimitives.ReadUInt32BigEndian(mvhd[20..]), BinaryPrimitives.ReadUInt64BigEndian(mvhd[24..]))
                : (BinaryPrimitives.ReadUInt32BigEndian(mvhd[12..]), (ulong)BinaryPrimitives.ReadUInt32BigEndian(mvhd[16..]));
            if (timescale > 0 && duration is > 0 and < ulong.MaxValue / 2)
            {
                seconds = (uint)Math.Min(uint.MaxValue, (duration + timescale - 1) / timescale);
            }
        }

        uint? width = null, height = null;
        var rest = moov;
        while (width is null && FindBox(rest, "trak"u8, out var trak, out rest))
        {
            if (FindBox(trak, "tkhd"u8, out var tkhd, out _))
            {
                var at = tkhd.Length > 0 && tkhd[0] == 1 ? 88 : 76;
                if (tkhd.Length >= at + 8)
                {
                    var w = BinaryPrimitives.ReadUInt32BigEndian(tkhd[at..]) >> 16;
                    var h = BinaryPrimitives.ReadUInt32BigEndian(tkhd[(at + 4)..]) >> 16;
                    (width, height) = w > 0 && h > 0 ? ((uint?)w, (uint?)h) : (null, null);
                    if (QuarterTurned(tkhd.Slice(at - 36, 36)))
                    {
                        // A phone's portrait video: stored landscape, shown turned; the message carries what is shown.
                        (width, height) = (height, width);
                    }
                }
            }
        }

        return (seconds, width, height);
    }

    // The track header's transformation matrix {a, b, u, c, d, v, x, y, w} (a, b, c, d in 16.16 fixed point) turns the
    // picture by a quarter (90° or 270°) when its rotation terms outweigh its scaling terms: |b| > |a| and |c| > |d|.
    private static bool QuarterTurned(ReadOnlySpan<byte> matrix)
    {
        var a = Math.Abs((long)BinaryPrimitives.ReadInt32BigEndian(matrix));
        var b = Math.Abs((long)BinaryPrimitives.ReadInt32BigEndian(matrix[4..]));
        var c = Math.Abs((long)BinaryPrimitives.ReadInt32BigEndian(matrix[12..]));
        var d = Math.Abs((long)BinaryPrimitives.ReadInt32BigEndian(matrix[16..]));
        return b > a && c > d;
    }

    // The first box of that type among the boxes (not nested further): its content and the boxes after it.
    private static bool FindBox(ReadOnlySpan<byte> boxes, ReadOnlySpan<byte> type, out ReadOnlySpan<byte> content, out ReadOnlySpan<byte> rest)
    {
        var at = 0;
        while (at + 8 <= boxes.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(boxes[at..]);
            var header = 8;
            if (size == 1 && at + 16 <= boxes.Length)
            {
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(boxes[(at + 8)..]), long.MaxValue);
                header = 16;
            }
            else if (size == 0)
            {
                size = boxes.Length - at;
            }

            if (size < header || at + size > boxes.Length)
            {
                break;
            }

            if (boxes.Slice(at + 4, 4).SequenceEqual(type))
            {
                content = boxes.Slice(at + header, (int)size - header);
                rest = boxes[(at + (int)size)..];
                return true;
            }

            at += (int)size;
        }

        content = default;
        rest = default;
        return false;
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
