using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>Malformed input raises <see cref="BinaryFormatException"/> naming the problem and its offset.</summary>
public sealed class DecoderErrorTests
{
    [Theory]
    [InlineData("", "payload is empty", 0)]
    [InlineData("00", "input ends", 0)]
    [InlineData("0000", "node list size is 0", 1)]
    [InlineData("00F801FC00", "node tag is empty", 2)]
    [InlineData("00F8021B", "input ends", 3)]
    [InlineData("00F8011B00", "left over", 3)]
    [InlineData("00F801F0", "tag 0xF0 cannot start a string", 2)]
    [InlineData("001B", "tag 0x1B is not a list", 0)]
    [InlineData("00F8021BF80A", "a list of 10 children needs at least 20 bytes", 5)]
    [InlineData("00F8021BFE7FFFFFFF", "binary length 2147483647 exceeds", 4)]
    [InlineData("00F8021BFD0FFFFF00", "input ends (expected 1048575 more bytes", 7)]
    [InlineData("00F8FF1B", "127 attributes need at least 254 bytes", 3)]
    [InlineData("00F8031908FA0000", "JID pair has an empty server", 7)]
    [InlineData("00F8031908FF01CD", "nibble outside", 6)]
    [InlineData("00F8031908F5FF011200030005", "input ends", 12)]
    public void Reports_what_and_where(string hex, string fragment, int offset)
    {
        var input = Convert.FromHexString(hex);
        var ex = Assert.Throws<BinaryFormatException>(() => BinaryDecoder.Decode(input));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Equal(offset, ex.Offset);
        Assert.IsAssignableFrom<WaEngineException>(ex);
    }

    [Fact]
    public void Nesting_is_capped()
    {
        var deepest = Nest(BinaryDecoder.MaxDepth);
        Assert.Equal("iq", BinaryDecoder.Decode(BinaryEncoder.Encode(deepest)).Tag);

        var body = new List<byte> { 0x00 };
        for (var i = 0; i < BinaryDecoder.MaxDepth; i++)
        {
            body.AddRange([0xF8, 0x02, 0x19, 0xF8, 0x01]);
        }

        body.AddRange([0xF8, 0x01, 0x19]);
        var ex = Assert.Throws<BinaryFormatException>(() => BinaryDecoder.Decode(body.ToArray()));
        Assert.Contains("nesting deeper than 64", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BinaryEncoder.Encode(Nest(BinaryDecoder.MaxDepth + 1)));
    }

    [Fact]
    public void Jid_pairs_nested_inside_jid_pairs_are_capped_too()
    {
        var body = new byte[4 + 100_000];
        Convert.FromHexString("00F80319").CopyTo(body, 0);
        Array.Fill(body, BinaryTags.JidPair, 4, 100_000);
        var ex = Assert.Throws<BinaryFormatException>(() => BinaryDecoder.Decode(body));
        Assert.Contains("nesting deeper", ex.Message, StringComparison.Ordinal);
    }

    private static Node Nest(int depth)
    {
        var node = new Node("iq");
        for (var i = 1; i < depth; i++)
        {
            node = new Node("iq", null, [node]);
        }

        return node;
    }
}
