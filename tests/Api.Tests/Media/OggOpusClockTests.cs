using WaEngine.Api.Media;

namespace WaEngine.Api.Tests.Media;

/// <summary>A voice note's duration read as its bytes stream past, whatever the sizes of the writes.</summary>
public class OggOpusClockTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(26)]
    [InlineData(27)]
    [InlineData(4096)]
    [InlineData(1_000_000)]
    public void The_last_pages_granule_less_the_pre_skip_gives_the_seconds(int writeSize)
    {
        var file = MediaFiles.OggOpus(30_000, seconds: 5.5);
        Assert.Equal(6u, Feed(file, writeSize).Seconds(file.AsSpan(0, 64)));
    }

    [Fact]
    public void Pages_in_between_do_not_matter_only_the_last()
    {
        var file = MediaFiles.OggOpus(30_000, seconds: 2);
        var middle = MediaFiles.OggPage(0x5EED, 1, 312 + 48_000 * 60, new byte[5]);
        middle.CopyTo(file, 10_000);
        Assert.Equal(2u, Feed(file, 4096).Seconds(file));
    }

    [Fact]
    public void Not_opus_or_another_stream_last_has_no_duration()
    {
        var random = MediaFiles.Ogg(20_000);
        Assert.Null(Feed(random, 4096).Seconds(random));

        var vorbis = MediaFiles.OggOpus(20_000, seconds: 3);
        "\u0001vorbis\0"u8.CopyTo(vorbis.AsSpan(28));
        Assert.Null(Feed(vorbis, 4096).Seconds(vorbis));

        var chained = MediaFiles.OggOpus(20_000, seconds: 3);
        MediaFiles.OggPage(0xBEEF, 5, 48_000 * 9, new byte[10]).CopyTo(chained, chained.Length - 38);
        Assert.Null(Feed(chained, 4096).Seconds(chained));
    }

    private static OggOpusClock Feed(byte[] file, int writeSize)
    {
        var clock = new OggOpusClock();
        for (var at = 0; at < file.Length; at += writeSize)
        {
            clock.Feed(file.AsSpan(at, Math.Min(writeSize, file.Length - at)));
        }

        return clock;
    }
}
