using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace WaEngine.Engine.Binary;

/// <summary>
/// Writes nodes into an <see cref="IBufferWriter{T}"/>, choosing each string's wire form in Baileys' order so the bytes
/// match Baileys' encoder: token, double-byte token, nibble-packed, hex-packed (upper case only), JID, raw UTF-8.
/// Call <see cref="Flush"/> at the end to commit the bytes.
/// </summary>
internal ref struct NodeWriter
{
    private const int MinChunk = 512;
    private const int Binary20Limit = 1 << 20;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;

    public NodeWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = default;
        _position = 0;
    }

    public void WriteNode(Node node, int depth)
    {
        if (depth > BinaryDecoder.MaxDepth)
        {
            throw new ArgumentException($"Node nesting is deeper than {BinaryDecoder.MaxDepth} levels at <{node.Tag}>; the decoder would reject it.", nameof(node));
        }

        var attributes = node.Attributes;
        WriteListStart(1 + (2 * attributes.Count) + (node.ContentKind == NodeContentKind.None ? 0 : 1));
        WriteString(node.Tag);
        for (var i = 0; i < attributes.Count; i++)
        {
            WriteString(attributes[i].Key);
            WriteString(attributes[i].Value);
        }

        switch (node.ContentKind)
        {
            case NodeContentKind.Children:
                var children = node.Children;
                WriteListStart(children.Count);
                for (var i = 0; i < children.Count; i++)
                {
                    WriteNode(children[i], depth + 1);
                }

                break;
            case NodeContentKind.Bytes:
                WriteBytes(node.Bytes.Span);
                break;
            case NodeContentKind.Text:
                WriteString(node.Text!);
                break;
        }
    }

    public void Flush()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
        }

        _span = default;
        _position = 0;
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    private void WriteListStart(int size)
    {
        if (size == 0)
        {
            WriteByte(BinaryTags.ListEmpty);
        }
        else if (size < 256)
        {
            var span = Reserve(2);
            span[0] = BinaryTags.List8;
            span[1] = (byte)size;
        }
        else if (size <= ushort.MaxValue)
        {
            var span = Reserve(3);
            span[0] = BinaryTags.List16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)size);
        }
        else
        {
            throw new ArgumentException($"A list of {size} items does not fit LIST_16 (at most {ushort.MaxValue}).", nameof(size));
        }
    }

    private void WriteString(string value)
    {
        if (value.Length == 0)
        {
            WriteLength(0);
            return;
        }

        if (TokenDictionary.TryGetToken(value, out var token))
        {
            if (token.IsSingleByte)
            {
                WriteByte(token.Index);
            }
            else
            {
                var span = Reserve(2);
                span[0] = (byte)(BinaryTags.Dictionary0 + token.Dictionary);
                span[1] = token.Index;
            }

            return;
        }

        if (PackedString.IsNibble(value))
        {
            PackedString.Pack(value, BinaryTags.Nibble8, Reserve(PackedString.EncodedLength(value)));
            return;
        }

        if (PackedString.IsHex(value))
        {
            PackedString.Pack(value, BinaryTags.Hex8, Reserve(PackedString.EncodedLength(value)));
            return;
        }

        if (value.Contains('@', StringComparison.Ordinal) && Jid.TryParse(value, out var jid) && TryWriteJid(jid))
        {
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteLength(length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    /// <summary>
    /// AD_JID when a device is present and the server maps to a domain type (s.whatsapp.net with any agent; lid, hosted,
    /// hosted.lid without one), JID_PAIR when neither agent nor device is present. Other JIDs would lose their server or
    /// agent in Baileys' forms, so they go out as raw strings and decode unchanged.
    /// </summary>
    private bool TryWriteJid(Jid jid)
    {
        if (jid.Device is { } device)
        {
            var mapsToDomain = jid.Server == JidServers.WhatsApp
                || (jid.Agent is null && jid.Server is JidServers.Lid or JidServers.Hosted or JidServers.HostedLid);
            if (device > byte.MaxValue || !mapsToDomain)
            {
                return false;
            }

            var span = Reserve(3);
            span[0] = BinaryTags.ADJid;
            span[1] = jid.DomainType;
            span[2] = (byte)device;
            WriteString(jid.User);
            return true;
        }

        if (jid.Agent is not null)
        {
            return false;
        }

        WriteByte(BinaryTags.JidPair);
        if (jid.User.Length == 0)
        {
            WriteByte(BinaryTags.ListEmpty);
        }
        else
        {
            WriteString(jid.User);
        }

        WriteString(jid.Server);
        return true;
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteLength(bytes.Length);
        bytes.CopyTo(Reserve(bytes.Length));
    }

    private void WriteLength(int length)
    {
        if (length < 256)
        {
            var span = Reserve(2);
            span[0] = BinaryTags.Binary8;
            span[1] = (byte)length;
        }
        else if (length < Binary20Limit)
        {
            var span = Reserve(4);
            span[0] = BinaryTags.Binary20;
            span[1] = (byte)(length >> 16);
            span[2] = (byte)(length >> 8);
            span[3] = (byte)length;
        }
        else
        {
            var span = Reserve(5);
            span[0] = BinaryTags.Binary32;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], length);
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_span.Length - _position < count)
        {
            Flush();
            _span = _output.GetSpan(Math.Max(count, MinChunk));
        }

        var reserved = _span.Slice(_position, count);
        _position += count;
        return reserved;
    }
}
