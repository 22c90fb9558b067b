using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>
/// 100,000 random and mutated payloads into the decoder: each either decodes or raises <see cref="BinaryFormatException"/>;
/// any other exception fails the test (a crash, stack overflow or allocation failure would take the run down instead).
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int Iterations = 100_000;

    [Fact]
    public void Only_binary_format_exceptions_escape()
    {
        var random = new Random(4242);
        var generator = new RandomNodes(seed: 99);
        var seeds = new List<byte[]>();
        while (seeds.Count < 300)
        {
            var bytes = BinaryEncoder.Encode(generator.Next());
            if (bytes.Length <= 4096)
            {
                seeds.Add(bytes);
            }
        }

        var decoded = 0;
        var rejected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(seeds[random.Next(seeds.Count)], random);
            try
            {
                var node = BinaryDecoder.Decode(input);
                Assert.False(string.IsNullOrEmpty(node.Tag));
                decoded++;
            }
            catch (BinaryFormatException ex)
            {
                Assert.InRange(ex.Offset, 0, Math.Max(0, input.Length));
                rejected++;
            }
        }

        Assert.Equal(Iterations, decoded + rejected);
        Assert.True(rejected > Iterations / 4, $"only {rejected} inputs were rejected: the mutations are too gentle");
        Assert.True(decoded > 1000, $"only {decoded} inputs decoded: the mutations never keep a node valid");
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(8))
        {
            case 0:
                var noise = new byte[random.Next(0, 64)];
                random.NextBytes(noise);
                if (noise.Length > 0)
                {
                    noise[0] = (byte)(noise[0] & ~BinaryDecoder.CompressedFlag);
                }

                return noise;
            case 1:
                return bytes[..random.Next(0, bytes.Length)];
            case 2:
                var extended = new byte[bytes.Length + random.Next(1, 16)];
                bytes.CopyTo(extended, 0);
                random.NextBytes(extended.AsSpan(bytes.Length));
                return extended;
            case 3:
                if (bytes.Length > 1)
                {
                    var at = random.Next(1, bytes.Length);
                    bytes[at] = (byte)random.Next(256);
                }

                return bytes;
            case 4:
                for (var flips = random.Next(1, 6); flips > 0 && bytes.Length > 1; flips--)
                {
                    bytes[random.Next(1, bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 5:
                if (bytes.Length > 2)
                {
                    var at = random.Next(1, bytes.Length - 1);
                    bytes[at] = (byte)(BinaryTags.Dictionary0 + random.Next(20));
                    bytes[at + 1] = (byte)random.Next(256);
                }

                return bytes;
            case 6:
                var compressedNoise = new byte[random.Next(1, 48)];
                random.NextBytes(compressedNoise);
                compressedNoise[0] = BinaryDecoder.CompressedFlag;
                if (compressedNoise.Length > 2 && random.Next(2) == 0)
                {
                    compressedNoise[1] = 0x78;
                    compressedNoise[2] = 0x9C;
                }

                return compressedNoise;
            default:
                return bytes;
        }
    }
}
