using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Tests.Transport;

public class FrameCodecTests
{
    [Theory]
    [InlineData(0, "000000")]
    [InlineData(1, "000001")]
    [InlineData(65_535, "00FFFF")]
    [InlineData(65_536, "010000")]
    [InlineData(16_777_215, "FFFFFF")]
    public void Header_is_three_bytes_big_endian(int length, string expected)
    {
        var header = new byte[3];
        FrameCodec.WriteHeader(header, length);
        Assert.Equal(expected, Convert.ToHexString(header));
        Assert.Equal(length, FrameCodec.ReadHeader(header));
    }

    [Theory]
    [InlineData(16_777_216)]
    [InlineData(-1)]
    public void Lengths_outside_three_bytes_are_refused(int length)
    {
        var ex = Assert.Throws<FrameException>(() => FrameCodec.WriteHeader(new byte[3], length));
        Assert.Contains($"length {length} is out of range", ex.Message);
    }

    [Fact]
    public void Encoding_a_payload_of_16_777_216_bytes_is_refused()
    {
        var ex = Assert.Throws<FrameException>(() => FrameCodec.Encode(new byte[16_777_216]));
        Assert.Contains("16777216", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(16_777_215)]
    public void Boundary_lengths_round_trip_through_the_decoder(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        var frame = FrameCodec.Encode(payload);
        Assert.Equal(length + 3, frame.Length);

        using var decoder = new FrameDecoder();
        decoder.Append(frame);
        Assert.True(decoder.TryReadFrame(out var decoded));
        Assert.True(payload.AsSpan().SequenceEqual(decoded));
        Assert.False(decoder.TryReadFrame(out _));
        decoder.EnsureComplete();
    }

    [Fact]
    public void Client_intro_is_the_wa_header_and_prefixes_only_the_given_frame()
    {
        var frame = FrameCodec.Encode([0xAA, 0xBB], ConnectionHeader.BuildIntro());
        Assert.Equal("57410603000002AABB", Convert.ToHexString(frame));
    }

    [Fact]
    public void Routing_info_goes_in_an_ed_block_before_the_wa_header()
    {
        var intro = ConnectionHeader.BuildIntro([0x01, 0x02, 0x03]);
        Assert.Equal("45440001000003010203" + "57410603", Convert.ToHexString(intro));
        Assert.True(ConnectionHeader.TryMeasureIntro(intro, out var length));
        Assert.Equal(intro.Length, length);
    }
}
