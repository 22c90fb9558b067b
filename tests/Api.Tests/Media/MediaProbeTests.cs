using System.Buffers.Binary;
using WaEngine.Api.Media;

namespace WaEngine.Api.Tests.Media;

/// <summary>What is read from a file's first bytes: an ISO media file's duration and video dimensions when its moov comes first.</summary>
public class MediaProbeTests
{
    [Theory]
    [InlineData(0, 1000u, 61_500ul, 62u)]
    [InlineData(1, 90_000u, 900_000ul, 10u)]
    public void A_fast_start_mp4_gives_its_duration_and_the_video_tracks_dimensions(byte version, uint timescale, ulong duration, uint seconds)
    {
        var file = Concat(Box("ftyp", "isom\0\0\0\0isommp41"u8.ToArray()), Box("moov", Mvhd(version, timescale, duration), Box("trak", Tkhd(version, 0, 0)), Box("trak", Tkhd(version, 1280, 720))), Box("mdat", new byte[500]));
        Assert.Equal(((uint?)seconds, (uint?)1280u, (uint?)720u), MediaProbe.IsoMedia(file));
    }

    [Fact]
    public void Audio_only_has_a_duration_and_no_dimensions()
    {
        var file = Concat(Box("ftyp", "M4A \0\0\0\0"u8.ToArray()), Box("moov", Mvhd(0, 44_100, 44_100 * 3), Box("trak", Tkhd(0, 0, 0))));
        Assert.Equal(((uint?)3u, (uint?)null, (uint?)null), MediaProbe.IsoMedia(file));
    }

    [Fact]
    public void A_moov_after_the_head_or_a_broken_box_gives_nothing()
    {
        var ftyp = Box("ftyp", "isom\0\0\0\0"u8.ToArray());
        Assert.Null(MediaProbe.IsoMedia(Concat(ftyp, Box("mdat", new byte[100]))));
        var moov = Box("moov", Mvhd(0, 1000, 5000));
        Assert.Null(MediaProbe.IsoMedia(Concat(ftyp, moov.AsSpan(0, moov.Length - 10).ToArray())));
        Assert.Null(MediaProbe.IsoMedia("%PDF-1.7\n"u8.ToArray()));
    }

    [Theory]
    [InlineData(0, 0x10000, -0x10000, 0, true)] // 90°: a phone's portrait video, stored landscape
    [InlineData(0, -0x10000, 0x10000, 0, true)] // 270°
    [InlineData(-0x10000, 0, 0, -0x10000, false)] // 180°: upside down, same shape
    [InlineData(0x10000, 0, 0, 0x10000, false)] // identity
    public void A_track_turned_by_a_quarter_gives_its_dimensions_as_shown(int a, int b, int c, int d, bool turned)
    {
        foreach (var version in new byte[] { 0, 1 })
        {
            var tkhd = Tkhd(version, 1920, 1080);
            var matrix = (version == 1 ? 88 : 76) - 36 + 8; // after the box header
            BinaryPrimitives.WriteInt32BigEndian(tkhd.AsSpan(matrix), a);
            BinaryPrimitives.WriteInt32BigEndian(tkhd.AsSpan(matrix + 4), b);
            BinaryPrimitives.WriteInt32BigEndian(tkhd.AsSpan(matrix + 12), c);
            BinaryPrimitives.WriteInt32BigEndian(tkhd.AsSpan(matrix + 16), d);
            BinaryPrimitives.WriteInt32BigEndian(tkhd.AsSpan(matrix + 32), 0x40000000);
            var file = Concat(Box("ftyp", "isom\0\0\0\0isommp41"u8.ToArray()), Box("moov", Mvhd(version, 1000, 4000), Box("trak", tkhd)));
            Assert.Equal(turned ? ((uint?)4u, (uint?)1080u, (uint?)1920u) : ((uint?)4u, (uint?)1920u, (uint?)1080u), MediaProbe.IsoMedia(file));
        }
    }

    internal static byte[] Mvhd(byte version, uint timescale, ulong duration)
    {
        var content = new byte[version == 1 ? 112 : 100];
        content[0] = version;
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(20), timescale);
            BinaryPrimitives.WriteUInt64BigEndian(content.AsSpan(24), duration);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(12), timescale);
            BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(16), (uint)duration);
        }

        return Box("mvhd", content);
    }

    internal static byte[] Tkhd(byte version, uint width, uint height)
    {
        var at = version == 1 ? 88 : 76;
        var content = new byte[at + 8];
        content[0] = version;
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(at), width << 16);
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(at + 4), height << 16);
        return Box("tkhd", content);
    }

    internal static byte[] Box(string type, byte[] content, params byte[][] children)
    {
        var body = Concat([content, .. children]);
        var box = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        body.CopyTo(box, 8);
        return box;
    }

    internal static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
