using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Tests.Transport;

public class FrameDecoderTests
{
    private static readonly int[] Sizes = [0, 1, 2, 3, 100, 65_535, 65_536, 70_000];

    [Fact]
    public void Several_frames_in_one_chunk_come_out_in_order()
    {
        var stream = new List<byte>();
        foreach (var size in Sizes)
        {
            stream.AddRange(FrameCodec.Encode(Payload(size)));
        }

        using var decoder = new FrameDecoder();
        decoder.Append(stream.ToArray());
        foreach (var size in Sizes)
        {
            Assert.True(decoder.TryReadFrame(out var frame));
            Assert.Equal(Payload(size), frame);
        }

        Assert.False(decoder.TryReadFrame(out _));
        decoder.EnsureComplete();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Any_chunking_gives_the_same_frames_including_split_headers(int chunk)
    {
        var intro = ConnectionHeader.BuildIntro([9, 9]);
        var stream = new List<byte>(intro);
        foreach (var size in Sizes)
        {
            stream.AddRange(FrameCodec.Encode(Payload(size)));
        }

        var bytes = stream.ToArray();
        using var decoder = new FrameDecoder(expectIntro: true);
        var frames = new List<byte[]>();
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            decoder.Append(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)));
            while (decoder.TryReadFrame(out var frame))
            {
                frames.Add(frame);
            }
        }

        Assert.Equal(Sizes.Length, frames.Count);
        for (var i = 0; i < Sizes.Length; i++)
        {
            Assert.Equal(Payload(Sizes[i]), frames[i]);
        }

        decoder.EnsureComplete();
    }

    [Fact]
    public void A_length_over_the_limit_is_refused_before_its_bytes_arrive()
    {
        using var decoder = new FrameDecoder(maxPayloadLength: 65_535);
        decoder.Append(FrameCodec.Encode(Payload(65_535)));
        Assert.True(decoder.TryReadFrame(out _));
        decoder.Append([0x01, 0x00, 0x00]);
        var ex = Assert.Throws<FrameException>(() => decoder.TryReadFrame(out _));
        Assert.Equal("Frame announces 65536 bytes, more than the limit of 65535.", ex.Message);
    }

    [Fact]
    public void A_stream_ending_inside_a_frame_is_reported()
    {
        using var decoder = new FrameDecoder();
        decoder.Append([0x00, 0x00, 0x05, 0x01, 0x02]);
        Assert.False(decoder.TryReadFrame(out _));
        var ex = Assert.Throws<FrameException>(decoder.EnsureComplete);
        Assert.Contains("5 bytes of it", ex.Message);
    }

    [Theory]
    [InlineData("57410602000000", "Connection header is 57410602, expected 57410603.")]
    [InlineData("45450001000000", "Connection starts with 45450001")]
    public void A_server_refuses_a_wrong_intro(string hex, string expected)
    {
        using var decoder = new FrameDecoder(expectIntro: true);
        decoder.Append(Convert.FromHexString(hex));
        var ex = Assert.Throws<FrameException>(() => decoder.TryReadFrame(out _));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void A_server_waits_for_a_partial_intro()
    {
        using var decoder = new FrameDecoder(expectIntro: true);
        decoder.Append([0x57, 0x41]);
        Assert.False(decoder.TryReadFrame(out _));
        decoder.Append([0x06, 0x03, 0x00, 0x00, 0x01, 0x7F]);
        Assert.True(decoder.TryReadFrame(out var frame));
        Assert.Equal([0x7F], frame);
    }

    private static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }
}
