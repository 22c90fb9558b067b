using System.Buffers;

namespace WaEngine.Engine.Binary;

/// <summary>
/// Encodes a <see cref="Node"/> as a frame payload: the flag byte 0x00 (uncompressed) followed by the binary node.
/// Strings take the same wire form Baileys gives them, so the bytes equal Baileys' <c>encodeBinaryNode</c> for every
/// string Baileys can round-trip; strings Baileys would mangle (a JID with a device on a server without a domain type,
/// an agent without a device, several '@') are written raw instead and decode unchanged.
/// </summary>
internal static class BinaryEncoder
{
    /// <summary>The flag byte of an uncompressed payload, the only one clients send.</summary>
    public const byte UncompressedFlag = 0x00;

    /// <summary>Writes the flag byte and <paramref name="node"/> into <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">The node nests deeper than <see cref="BinaryDecoder.MaxDepth"/> or has more than 65,535 children.</exception>
    public static void Encode(Node node, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new NodeWriter(output);
        writer.WriteByte(UncompressedFlag);
        writer.WriteNode(node, 1);
        writer.Flush();
    }

    /// <summary>Returns the flag byte and <paramref name="node"/> as a new array.</summary>
    /// <exception cref="ArgumentException">The node nests deeper than <see cref="BinaryDecoder.MaxDepth"/> or has more than 65,535 children.</exception>
    public static byte[] Encode(Node node)
    {
        using var buffer = new PooledBufferWriter();
        Encode(node, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
