using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>The byte-exact vectors of PROTOCOL-MAP §4, produced by Baileys 7.0.0-rc14 encodeBinaryNode.</summary>
public sealed class BinaryVectorTests
{
    public static TheoryData<string, Node> Vectors => new()
    {
        {
            "00 f8 0a 19 08 ff 83 1b 2a 3f 11 fa 00 03 04 29 16 57 f8 01 f8 01 56",
            new Node("iq", NodeAttributes.Of(("id", "1.2-3"), ("to", "@s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")), [new Node("ping")])
        },
        { "00 f8 03 11 0c f7 00 02 ff 02 12 34", new Node("to", NodeAttributes.Of(("jid", "1234:2@s.whatsapp.net"))) },
        { "00 f8 03 11 0c f7 01 03 ff 02 56 78", new Node("to", NodeAttributes.Of(("jid", "5678:3@lid"))) },
        {
            "00 f8 05 07 08 fb 04 3e b0 aa bb 11 fa ff 86 15 55 12 34 56 7f 03",
            new Node("receipt", NodeAttributes.Of(("id", "3EB0AABB"), ("to", "15551234567@s.whatsapp.net")))
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encodes_byte_exact_and_decodes_back(string hex, Node node)
    {
        var expected = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal(expected, BinaryEncoder.Encode(node));
        NodeAssert.Equal(node, BinaryDecoder.Decode(expected));
    }

    [Fact]
    public void Lower_case_hex_is_raw_and_upper_case_is_packed()
    {
        var lower = BinaryEncoder.Encode(new Node("x", NodeAttributes.Of(("t", "abcdef"))));
        var upper = BinaryEncoder.Encode(new Node("x", NodeAttributes.Of(("t", "ABCDEF"))));
        Assert.EndsWith("FC06616263646566", Convert.ToHexString(lower), StringComparison.Ordinal);
        Assert.EndsWith("FB03ABCDEF", Convert.ToHexString(upper), StringComparison.Ordinal);
        Assert.Equal("abcdef", BinaryDecoder.Decode(lower).Attributes.GetValueOrDefault("t"));
        Assert.Equal("ABCDEF", BinaryDecoder.Decode(upper).Attributes.GetValueOrDefault("t"));
    }

    [Fact]
    public void Device_zero_is_written_as_ad_jid_and_decodes_without_it()
    {
        var bytes = BinaryEncoder.Encode(new Node("to", NodeAttributes.Of(("jid", "1234:0@s.whatsapp.net"))));
        Assert.Equal("00F803110CF70000FF021234", Convert.ToHexString(bytes));
        Assert.Equal("1234@s.whatsapp.net", BinaryDecoder.Decode(bytes).Attributes.GetValueOrDefault("jid"));
    }

    /// <summary>Expected bytes from Baileys 7.0.0-rc14 encodeBinaryNode (tests/interop/binary-vectors.mjs).</summary>
    [Theory]
    [InlineData("1@hosted", "FA 55 FC 06 68 6F 73 74 65 64")]
    [InlineData("7:99@hosted", "F7 80 63 E3")]
    [InlineData("42:99@hosted.lid", "F7 81 63 EE 52")]
    [InlineData("7_5:3@s.whatsapp.net", "F7 05 03 E3")]
    public void Jid_forms_per_server(string jid, string expectedValueHex)
    {
        var bytes = BinaryEncoder.Encode(new Node("to", NodeAttributes.Of(("jid", jid))));
        var valueHex = Convert.ToHexString(bytes.AsSpan(5));
        Assert.Equal(expectedValueHex.Replace(" ", string.Empty, StringComparison.Ordinal), valueHex);
        Assert.Equal(jid, BinaryDecoder.Decode(bytes).Attributes.GetValueOrDefault("jid"));
    }

    [Theory]
    [InlineData("1:2@g.us")]
    [InlineData("1_5@s.whatsapp.net")]
    [InlineData("1:300@s.whatsapp.net")]
    [InlineData("a@b@c")]
    [InlineData("name@")]
    public void Jids_baileys_would_mangle_go_out_raw_and_come_back_unchanged(string text)
    {
        var bytes = BinaryEncoder.Encode(new Node("to", NodeAttributes.Of(("jid", text))));
        Assert.Equal(BinaryTags.Binary8, bytes[5]);
        Assert.Equal(text, BinaryDecoder.Decode(bytes).Attributes.GetValueOrDefault("jid"));
    }

    [Fact]
    public void Other_jid_wire_forms_decode_to_baileys_strings()
    {
        Assert.Equal("12:3@msgr", DecodeAttributeValue("F6 FF 01 12 00 03 FC 04 6D 73 67 72"));
        Assert.Equal("5-12:3@interop", DecodeAttributeValue("F5 FF 01 12 00 03 00 05 FC 07 69 6E 74 65 72 6F 70"));
        Assert.Equal("12_7:0@s.whatsapp.net", DecodeAttributeValue("F7 07 00 FF 01 12"));
        Assert.Equal("12@lid", DecodeAttributeValue("F7 01 00 FF 01 12"));
    }

    [Fact]
    public void Empty_string_is_binary8_zero_and_string_content_that_is_raw_decodes_as_bytes()
    {
        var bytes = BinaryEncoder.Encode(new Node("x", NodeAttributes.Of(("t", string.Empty)), "hello"));
        Assert.EndsWith("FC00FC0568656C6C6F", Convert.ToHexString(bytes), StringComparison.Ordinal);
        var decoded = BinaryDecoder.Decode(bytes);
        Assert.Equal(string.Empty, decoded.Attributes.GetValueOrDefault("t"));
        Assert.Equal(NodeContentKind.Bytes, decoded.ContentKind);
        Assert.Equal("hello"u8.ToArray(), decoded.Bytes.ToArray());
    }

    [Fact]
    public void Empty_child_list_differs_from_no_content()
    {
        Assert.Equal("00F8021B00", Convert.ToHexString(BinaryEncoder.Encode(new Node("ack", null, Array.Empty<Node>()))));
        Assert.Equal("00F8011B", Convert.ToHexString(BinaryEncoder.Encode(new Node("ack"))));
        Assert.Equal(NodeContentKind.Children, BinaryDecoder.Decode(Convert.FromHexString("00F8021B00")).ContentKind);
        Assert.Equal(NodeContentKind.None, BinaryDecoder.Decode(Convert.FromHexString("00F8011B")).ContentKind);
    }

    [Fact]
    public void Duplicate_attribute_keys_on_the_wire_keep_the_last_value_in_the_first_position()
    {
        var node = BinaryDecoder.Decode(Convert.FromHexString("00F8071B08040B0C0805"));
        Assert.Equal([new("id", "participant"), new("status", "jid")], node.Attributes.ToArray());
    }

    private static string? DecodeAttributeValue(string valueHex)
    {
        var body = Convert.FromHexString("00F8031211" + valueHex.Replace(" ", string.Empty, StringComparison.Ordinal));
        return BinaryDecoder.Decode(body).Attributes.GetValueOrDefault("to");
    }
}
