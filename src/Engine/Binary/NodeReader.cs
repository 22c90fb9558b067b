using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace WaEngine.Engine.Binary;

/// <summary>
/// Reads one node from a decompressed body. Every read is checked against the remaining input, so lengths and list
/// sizes can never allocate more than the input holds; nesting (nodes and JID parts) is capped at <see cref="BinaryDecoder.MaxDepth"/>.
/// </summary>
internal ref struct NodeReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public NodeReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    private readonly int Remaining => _data.Length - _position;

    public Node ReadRoot()
    {
        var node = ReadNode(1);
        if (Remaining != 0)
        {
            throw Error($"{Remaining} bytes left over after the node (expected none)");
        }

        return node;
    }

    private Node ReadNode(int depth)
    {
        CheckDepth(depth);
        var size = ReadListSize(ReadByte());
        if (size == 0)
        {
            throw Error("node list size is 0 (expected at least 1 for the tag)");
        }

        var tagOffset = _position;
        var tag = ReadString(ReadByte(), depth);
        if (tag.Length == 0)
        {
            throw Error("node tag is empty", tagOffset);
        }

        var attributeCount = (size - 1) / 2;
        if (attributeCount * 2 > Remaining)
        {
            throw Error($"{attributeCount} attributes need at least {attributeCount * 2} bytes but only {Remaining} remain");
        }

        var attributes = ReadAttributes(attributeCount, depth);
        if (size % 2 != 0)
        {
            return new Node(tag, attributes);
        }

        var contentTag = ReadByte();
        switch (contentTag)
        {
            case BinaryTags.ListEmpty or BinaryTags.List8 or BinaryTags.List16:
                return new Node(tag, attributes, ReadChildren(ReadListSize(contentTag), depth));
            case BinaryTags.Binary8:
                return new Node(tag, attributes, ReadBytes(ReadByte()).ToArray());
            case BinaryTags.Binary20:
                return new Node(tag, attributes, ReadBytes(ReadInt20()).ToArray());
            case BinaryTags.Binary32:
                return new Node(tag, attributes, ReadBytes(ReadInt32Length()).ToArray());
            default:
                return new Node(tag, attributes, ReadString(contentTag, depth));
        }
    }

    private NodeAttributes ReadAttributes(int count, int depth)
    {
        if (count == 0)
        {
            return NodeAttributes.Empty;
        }

        var items = new List<KeyValuePair<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(ReadByte(), depth);
            var value = ReadString(ReadByte(), depth);
            var existing = IndexOfKey(items, key);
            if (existing >= 0)
            {
                items[existing] = new KeyValuePair<string, string>(key, value);
            }
            else
            {
                items.Add(new KeyValuePair<string, string>(key, value));
            }
        }

        return NodeAttributes.FromTrustedArray([.. items]);
    }

    private Node[] ReadChildren(int count, int depth)
    {
        if (count * 2 > Remaining)
        {
            throw Error($"a list of {count} children needs at least {count * 2} bytes but only {Remaining} remain");
        }

        var children = new Node[count];
        for (var i = 0; i < count; i++)
        {
            children[i] = ReadNode(depth + 1);
        }

        return children;
    }

    private string ReadString(byte tag, int depth)
    {
        if (tag is >= 1 and < BinaryTags.SingleByteTokenCount)
        {
            return TokenDictionary.SingleByte[tag];
        }

        switch (tag)
        {
            case >= BinaryTags.Dictionary0 and <= BinaryTags.Dictionary3:
                return TokenDictionary.DoubleByte[tag - BinaryTags.Dictionary0][ReadByte()];
            case BinaryTags.ListEmpty:
                return string.Empty;
            case BinaryTags.Binary8:
                return Encoding.UTF8.GetString(ReadBytes(ReadByte()));
            case BinaryTags.Binary20:
                return Encoding.UTF8.GetString(ReadBytes(ReadInt20()));
            case BinaryTags.Binary32:
                return Encoding.UTF8.GetString(ReadBytes(ReadInt32Length()));
            case BinaryTags.JidPair:
                return ReadJidPair(depth + 1);
            case BinaryTags.ADJid:
                return ReadADJid(depth + 1);
            case BinaryTags.FBJid:
                return ReadFBJid(depth + 1);
            case BinaryTags.InteropJid:
                return ReadInteropJid(depth + 1);
            case BinaryTags.Nibble8 or BinaryTags.Hex8:
                return ReadPacked(tag);
            default:
                throw Error($"tag 0x{tag:X2} cannot start a string (expected a token, JID, packed or binary tag)", _position - 1);
        }
    }

    private string ReadJidPair(int depth)
    {
        CheckDepth(depth);
        var user = ReadString(ReadByte(), depth);
        var server = ReadString(ReadByte(), depth);
        if (server.Length == 0)
        {
            throw Error("JID pair has an empty server");
        }

        return string.Concat(user, "@", server);
    }

    private string ReadADJid(int depth)
    {
        CheckDepth(depth);
        var domainType = ReadByte();
        var device = ReadByte();
        var user = ReadString(ReadByte(), depth);
        var server = Jid.ServerForDomainType(domainType);
        var knownDomain = domainType is 0 or 1 or 128 or 129;
        Jid jid = knownDomain
            ? new Jid(user, server, device == 0 ? null : device)
            : new Jid(user, server, device, domainType);
        return jid.ToString();
    }

    private string ReadFBJid(int depth)
    {
        CheckDepth(depth);
        var user = ReadString(ReadByte(), depth);
        var device = BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2));
        var server = ReadString(ReadByte(), depth);
        return string.Concat(user, ":", device.ToString(CultureInfo.InvariantCulture), "@", server);
    }

    private string ReadInteropJid(int depth)
    {
        CheckDepth(depth);
        var user = ReadString(ReadByte(), depth);
        var device = BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2));
        var integrator = BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2));
        var server = ReadString(ReadByte(), depth);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{integrator}-{user}:{device}@{server}");
    }

    private string ReadPacked(byte tag)
    {
        var start = ReadByte();
        var packed = ReadBytes(start & 0x7F);
        var value = PackedString.Unpack(packed, (start & 0x80) != 0, tag, out var badIndex);
        return value ?? throw Error(
            $"byte 0x{packed[badIndex]:X2} holds a nibble outside 0-9 '-' '.' (expected values 0-11 or 15)",
            _position - packed.Length + badIndex);
    }

    private int ReadListSize(byte tag) => tag switch
    {
        BinaryTags.ListEmpty => 0,
        BinaryTags.List8 => ReadByte(),
        BinaryTags.List16 => BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2)),
        _ => throw Error($"tag 0x{tag:X2} is not a list (expected 0x00, 0xF8 or 0xF9)", _position - 1),
    };

    private byte ReadByte()
    {
        if (Remaining < 1)
        {
            throw Error("input ends (expected 1 more byte)");
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > Remaining)
        {
            throw Error($"input ends (expected {count} more bytes, {Remaining} remain)");
        }

        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private int ReadInt20()
    {
        var bytes = ReadBytes(3);
        return ((bytes[0] & 0x0F) << 16) | (bytes[1] << 8) | bytes[2];
    }

    private int ReadInt32Length()
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));
        if (length > (uint)Remaining)
        {
            throw Error($"binary length {length} exceeds the {Remaining} bytes that remain", _position - 4);
        }

        return (int)length;
    }

    private readonly void CheckDepth(int depth)
    {
        if (depth > BinaryDecoder.MaxDepth)
        {
            throw Error($"nesting deeper than {BinaryDecoder.MaxDepth} levels");
        }
    }

    private readonly BinaryFormatException Error(string message) => new(message, _position);

    private static BinaryFormatException Error(string message, int offset) => new(message, offset);

    private static int IndexOfKey(List<KeyValuePair<string, string>> items, string key)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
