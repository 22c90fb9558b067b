using System.Buffers.Binary;
using WaEngine.Api.Media;
using WaEngine.TestKit;
using static WaEngine.Api.Tests.Media.MediaProbeTests;

namespace WaEngine.Api.Tests.Media;

/// <summary>An ISO media file whose moov comes after its media data: found by seeking over the top-level boxes.</summary>
public class IsoMediaFileTests
{
    private static readonly byte[] Ftyp = Box("ftyp", "isom\0\0\0\0isommp41"u8.ToArray());

    [Fact]
    public async Task A_moov_after_the_media_data_gives_the_duration_and_dimensions()
    {
        using var folder = new TempFolder();
        var moov = Box("moov", Mvhd(0, 600, 600 * 95 + 1), Box("trak", Tkhd(0, 0, 0)), Box("trak", Tkhd(0, 1920, 1080)));
        var path = await WriteAsync(folder, Ftyp, Box("free", new byte[8]), Box("mdat", new byte[3_000_000]), moov);

        Assert.Equal(((uint?)96u, (uint?)1920u, (uint?)1080u), await IsoMediaFile.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task A_64_bit_box_size_is_followed_to_the_moov()
    {
        using var folder = new TempFolder();
        var data = new byte[1_000];
        var mdat = new byte[16 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(mdat, 1);
        "mdat"u8.CopyTo(mdat.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(mdat.AsSpan(8), (ulong)mdat.Length);
        var path = await WriteAsync(folder, Ftyp, mdat, Box("moov", Mvhd(1, 90_000, 90_000 * 4)));

        Assert.Equal(((uint?)4u, (uint?)null, (uint?)null), await IsoMediaFile.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task No_moov_a_box_past_the_end_a_file_that_is_not_ISO_media_or_a_moov_over_the_cap_give_nothing()
    {
        using var folder = new TempFolder();
        Assert.Null(await IsoMediaFile.ReadAsync(await WriteAsync(folder, Ftyp, Box("mdat", new byte[100])), CancellationToken.None));
        var moov = Box("moov", Mvhd(0, 1000, 5000));
        Assert.Null(await IsoMediaFile.ReadAsync(await WriteAsync(folder, Ftyp, moov[..^10]), CancellationToken.None));
        Assert.Null(await IsoMediaFile.ReadAsync(await WriteAsync(folder, Box("mdat", new byte[10]), moov), CancellationToken.None));
        Assert.Null(await IsoMediaFile.ReadAsync(await WriteAsync(folder, "%PDF-1.7\n"u8.ToArray()), CancellationToken.None));

        // A moov header claiming more than the cap (a sparse file of that length): not read.
        var huge = Path.Combine(folder.Path, "huge.mp4");
        await using (var file = File.Create(huge))
        {
            await file.WriteAsync(Ftyp);
            var header = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)IsoMediaFile.MaxMoovBytes + 9);
            "moov"u8.CopyTo(header.AsSpan(4));
            await file.WriteAsync(header);
            file.SetLength(Ftyp.Length + IsoMediaFile.MaxMoovBytes + 9);
        }

        Assert.Null(await IsoMediaFile.ReadAsync(huge, CancellationToken.None));
    }

    private static async Task<string> WriteAsync(TempFolder folder, params byte[][] boxes)
    {
        var path = Path.Combine(folder.Path, Guid.NewGuid().ToString("N") + ".mp4");
        await File.WriteAllBytesAsync(path, Concat(boxes));
        return path;
    }
}
