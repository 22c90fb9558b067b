using System.Buffers.Binary;

namespace WaEngine.Api.Media;

/// <summary>
/// Finds the <c>moov</c> box of an ISO media file (MP4, 3GPP, M4A) on disk wherever it lies — after the media data
/// too, as files written without "fast start" have it — by reading only the top-level box headers and seeking past
/// each box (the <c>mdat</c> of a whole video is one seek), then reads that one box (at most
/// <see cref="MaxMoovBytes"/>) for <see cref="MediaProbe.FromMoov"/>. The file is never held in memory.
/// </summary>
public static class IsoMediaFile
{
    /// <summary>The largest <c>moov</c> read (its sample tables grow with the length of the file).</summary>
    public const int MaxMoovBytes = 16 * 1024 * 1024;

    /// <summary>Duration and dimensions of the file at <paramref name="path"/>, or null when it has no readable <c>moov</c>.</summary>
    public static async Task<(uint? Seconds, uint? Width, uint? Height)?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var header = new byte[16];
            long at = 0;
            var first = true;
            while (at + 8 <= file.Length)
            {
                file.Position = at;
                await file.ReadExactlyAsync(header.AsMemory(0, 8), cancellationToken).ConfigureAwait(false);
                long size = BinaryPrimitives.ReadUInt32BigEndian(header);
                var headerLength = 8;
                if (size == 1)
                {
                    if (at + 16 > file.Length)
                    {
                        return null;
                    }

                    await file.ReadExactlyAsync(header.AsMemory(8, 8), cancellationToken).ConfigureAwait(false);
                    var large = BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                    size = large > long.MaxValue ? long.MaxValue : (long)large;
                    headerLength = 16;
                }
                else if (size == 0)
                {
                    size = file.Length - at;
                }

                var type = header.AsSpan(4, 4);
                if (size < headerLength || size > file.Length - at || (first && !type.SequenceEqual("ftyp"u8)))
                {
                    return null;
                }

                if (type.SequenceEqual("moov"u8))
                {
                    if (size - headerLength > MaxMoovBytes)
                    {
                        return null;
                    }

                    var moov = new byte[size - headerLength];
                    await file.ReadExactlyAsync(moov, cancellationToken).ConfigureAwait(false);
                    return MediaProbe.FromMoov(moov);
                }

                first = false;
                at += size;
            }

            return null;
        }
    }
}
