using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Tests.Transport;

public class FrameDecoderFuzzTests
{
    [Fact]
    public void Random_and_mutated_streams_only_raise_frame_exceptions_with_bounded_buffers()
    {
        var random = new Random(20_260_115);
        var valid = new List<byte>(ConnectionHeader.BuildIntro());
        foreach (var size in new[] { 0, 1, 5, 300, 2_000 })
        {
            valid.AddRange(FrameCodec.Encode(new byte[size]));
        }

        var seed = valid.ToArray();
        var refused = 0;
        for (var i = 0; i < 100_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 64)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])seed.Clone();
                for (var m = random.Next(1, 4); m > 0; m--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            using var decoder = new FrameDecoder(expectIntro: i % 4 < 2, maxPayloadLength: 4_096);
            try
            {
                for (var offset = 0; offset < input.Length;)
                {
                    var length = Math.Min(input.Length - offset, random.Next(1, 700));
                    decoder.Append(input.AsSpan(offset, length));
                    offset += length;
                    while (decoder.TryReadFrame(out var frame))
                    {
                        Assert.True(frame.Length <= 4_096);
                    }

                    Assert.True(decoder.BufferedLength <= input.Length);
                }
            }
            catch (FrameException)
            {
                refused++;
            }
        }

        Assert.InRange(refused, 1_000, 99_000);
    }
}
