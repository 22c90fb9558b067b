using System.IO.Compression;
using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Binary;

public sealed class CompressionTests
{
    private static readonly Node Sample = new(
        "message",
        NodeAttributes.Of(("id", "3EB0AABB"), ("from", "15551234567@s.whatsapp.net"), ("type", "text")),
        [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg")), new byte[300])]);

    [Fact]
    public void Compressed_flag_inflates_the_body()
    {
        var plain = BinaryEncoder.Encode(Sample);
        var compressed = Compress(plain.AsSpan(1), flag: BinaryDecoder.CompressedFlag);
        Assert.True(compressed.Length < plain.Length);
        NodeAssert.Equal(Sample, BinaryDecoder.Decode(compressed));
    }

    [Fact]
    public void Other_flag_bits_are_ignored()
    {
        var plain = BinaryEncoder.Encode(Sample);
        plain[0] = 0xFD;
        NodeAssert.Equal(Sample, BinaryDecoder.Decode(plain));
        NodeAssert.Equal(Sample, BinaryDecoder.Decode(Compress(plain.AsSpan(1), flag: 0x06)));
    }

    [Fact]
    public async Task Baileys_decodes_our_compressed_frame()
    {
        var compressed = Compress(BinaryEncoder.Encode(Sample).AsSpan(1), flag: BinaryDecoder.CompressedFlag);
        var request = new JsonObject { ["decode"] = new JsonArray(Convert.ToHexStringLower(compressed)) };
        var answer = await NodePeer.RunAsync("binary-vectors.mjs", request);
        NodeAssert.Equal(Sample, NodeJson.FromJson(answer["decoded"]![0]));
    }

    [Fact]
    public void Inflating_past_the_cap_is_rejected()
    {
        var body = new byte[BinaryDecoder.MaxDecompressedBytes + 1];
        var ex = Assert.Throws<BinaryFormatException>(() => BinaryDecoder.Decode(Compress(body, BinaryDecoder.CompressedFlag)));
        Assert.Contains("inflates past", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_the_cap_is_accepted()
    {
        var payload = new byte[BinaryDecoder.MaxDecompressedBytes - 8];
        var plain = BinaryEncoder.Encode(new Node("iq", null, payload));
        Assert.Equal(BinaryDecoder.MaxDecompressedBytes, plain.Length - 1);
        var decoded = BinaryDecoder.Decode(Compress(plain.AsSpan(1), BinaryDecoder.CompressedFlag));
        Assert.Equal(payload.Length, decoded.Bytes.Length);
    }

    [Theory]
    [InlineData("02")]
    [InlineData("02DEADBEEF")]
    [InlineData("02789C")]
    public void Garbage_compressed_body_is_a_format_error(string hex)
    {
        Assert.Throws<BinaryFormatException>(() => BinaryDecoder.Decode(Convert.FromHexString(hex)));
    }

    private static byte[] Compress(ReadOnlySpan<byte> body, byte flag)
    {
        using var output = new MemoryStream();
        output.WriteByte(flag);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(body);
        }

        return output.ToArray();
    }
}
