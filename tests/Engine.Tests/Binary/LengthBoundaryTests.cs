using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>
/// Every length prefix and packing routine at its edges. Nodes are built on the tag "iq" (token 0x19) and the attribute
/// "id" (token 0x08), so content starts at offset 4 (00 F8 02 19) and an attribute value at offset 5 (00 F8 03 19 08).
/// </summary>
public sealed class LengthBoundaryTests
{
    private const int ContentOffset = 4;
    private const int ValueOffset = 5;

    [Theory]
    [InlineData(0, "FC00")]
    [InlineData(1, "FC01")]
    [InlineData(255, "FCFF")]
    [InlineData(256, "FD000100")]
    [InlineData(65_535, "FD00FFFF")]
    [InlineData(65_536, "FD010000")]
    [InlineData((1 << 20) - 1, "FD0FFFFF")]
    [InlineData(1 << 20, "FE00100000")]
    public void Binary_content_length_prefixes(int length, string prefixHex)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        var encoded = BinaryEncoder.Encode(new Node("iq", null, payload));

        var prefix = Convert.FromHexString(prefixHex);
        Assert.Equal("00F80219", Convert.ToHexString(encoded, 0, ContentOffset));
        Assert.Equal(prefixHex, Convert.ToHexString(encoded, ContentOffset, prefix.Length));
        Assert.Equal(ContentOffset + prefix.Length + length, encoded.Length);

        var decoded = BinaryDecoder.Decode(encoded);
        Assert.Equal(NodeContentKind.Bytes, decoded.ContentKind);
        Assert.True(payload.AsSpan().SequenceEqual(decoded.Bytes.Span));
    }

    [Theory]
    [InlineData(1, "FC01")]
    [InlineData(255, "FCFF")]
    [InlineData(256, "FD000100")]
    [InlineData(65_535, "FD00FFFF")]
    [InlineData(65_536, "FD010000")]
    public void Raw_string_length_prefixes(int length, string prefixHex)
    {
        var value = new string('z', length);
        var encoded = BinaryEncoder.Encode(new Node("iq", NodeAttributes.Of(("id", value))));
        Assert.Equal(prefixHex, Convert.ToHexString(encoded, ValueOffset, prefixHex.Length / 2));
        Assert.Equal(ValueOffset + (prefixHex.Length / 2) + length, encoded.Length);
        Assert.Equal(value, BinaryDecoder.Decode(encoded).Attributes.GetValueOrDefault("id"));
    }

    [Fact]
    public void Multibyte_utf8_length_counts_bytes_not_chars()
    {
        var encoded = BinaryEncoder.Encode(new Node("iq", NodeAttributes.Of(("id", "é😀"))));
        Assert.Equal("FC06C3A9F09F9880", Convert.ToHexString(encoded, ValueOffset, 8));
        Assert.Equal("é😀", BinaryDecoder.Decode(encoded).Attributes.GetValueOrDefault("id"));
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(1, "F801")]
    [InlineData(255, "F8FF")]
    [InlineData(256, "F90100")]
    [InlineData(65_535, "F9FFFF")]
    public void Child_list_size_prefixes(int count, string prefixHex)
    {
        var children = new Node[count];
        Array.Fill(children, new Node("ping"));
        var encoded = BinaryEncoder.Encode(new Node("iq", null, children));
        Assert.Equal(prefixHex, Convert.ToHexString(encoded, ContentOffset, prefixHex.Length / 2));
        Assert.Equal(ContentOffset + (prefixHex.Length / 2) + (3 * count), encoded.Length);

        var decoded = BinaryDecoder.Decode(encoded);
        Assert.Equal(count, decoded.Children.Count);
        Assert.All(decoded.Children, child => Assert.Equal("ping", child.Tag));
    }

    [Fact]
    public void More_than_65535_children_is_rejected_by_the_encoder()
    {
        var children = new Node[65_536];
        Array.Fill(children, new Node("ping"));
        Assert.Throws<ArgumentException>(() => BinaryEncoder.Encode(new Node("iq", null, children)));
    }

    [Theory]
    [InlineData(127, "F8FF")]
    [InlineData(128, "F90101")]
    public void Node_list_size_counts_attributes(int attributeCount, string prefixHex)
    {
        var pairs = new (string, string)[attributeCount];
        for (var i = 0; i < attributeCount; i++)
        {
            pairs[i] = ("k" + i, "v");
        }

        var node = new Node("iq", NodeAttributes.Of(pairs));
        var encoded = BinaryEncoder.Encode(node);
        Assert.Equal(prefixHex, Convert.ToHexString(encoded, 1, prefixHex.Length / 2));
        NodeAssert.Equal(node, BinaryDecoder.Decode(encoded));
    }

    [Theory]
    [InlineData("9876", "FF029876")]
    [InlineData("123", "FF82123F")]
    [InlineData("1.2-3", "FF831B2A3F")]
    [InlineData("1234567890", "FF051234567890")]
    [InlineData("ABC", "FB82ABCF")]
    [InlineData("0A", "FB010A")]
    [InlineData("3EB0AABB", "FB043EB0AABB")]
    public void Packed_strings_odd_and_even(string value, string expectedHex)
    {
        Assert.False(TokenDictionary.TryGetToken(value, out _));
        var encoded = BinaryEncoder.Encode(new Node("iq", NodeAttributes.Of(("id", value))));
        Assert.Equal(expectedHex, Convert.ToHexString(encoded, ValueOffset, encoded.Length - ValueOffset));
        Assert.Equal(value, BinaryDecoder.Decode(encoded).Attributes.GetValueOrDefault("id"));
    }

    [Theory]
    [InlineData('5', BinaryTags.Nibble8)]
    [InlineData('C', BinaryTags.Hex8)]
    public void Packing_stops_at_127_characters(char c, byte packedTag)
    {
        var at126 = BinaryEncoder.Encode(new Node("iq", NodeAttributes.Of(("id", new string(c, 126)))));
        var at127 = BinaryEncoder.Encode(new Node("iq", NodeAttributes.Of(("id", new string(c, 127)))));
        var at128 = BinaryEncoder.Encode(new Node("iq", NodeAttributes.Of(("id", new string(c, 128)))));
        Assert.Equal([packedTag, 63], at126[ValueOffset..(ValueOffset + 2)]);
        Assert.Equal(ValueOffset + 2 + 63, at126.Length);
        Assert.Equal([packedTag, 0x80 | 64], at127[ValueOffset..(ValueOffset + 2)]);
        Assert.Equal(ValueOffset + 2 + 64, at127.Length);
        Assert.Equal(0x0F, at127[^1] & 0x0F);
        Assert.Equal([BinaryTags.Binary8, 128], at128[ValueOffset..(ValueOffset + 2)]);
        Assert.Equal(new string(c, 126), BinaryDecoder.Decode(at126).Attributes.GetValueOrDefault("id"));
        Assert.Equal(new string(c, 127), BinaryDecoder.Decode(at127).Attributes.GetValueOrDefault("id"));
        Assert.Equal(new string(c, 128), BinaryDecoder.Decode(at128).Attributes.GetValueOrDefault("id"));
    }

    [Theory]
    [InlineData("FF80", "")]
    [InlineData("FF00", "")]
    [InlineData("FB8110", "1")]
    [InlineData("FF011F", "1\0")]
    public void Packed_decoding_edges(string valueHex, string expected)
    {
        var body = Convert.FromHexString("00F8031908" + valueHex);
        Assert.Equal(expected, BinaryDecoder.Decode(body).Attributes.GetValueOrDefault("id"));
    }

    [Fact]
    public void The_largest_packed_run_decodes_to_254_characters()
    {
        var body = new byte[7 + 127];
        Convert.FromHexString("00F8031908FF7F").CopyTo(body, 0);
        Array.Fill(body, (byte)0x12, 7, 127);
        var value = BinaryDecoder.Decode(body).Attributes.GetValueOrDefault("id");
        Assert.Equal(string.Concat(Enumerable.Repeat("12", 127)), value);
    }
}
