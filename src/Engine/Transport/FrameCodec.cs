using System.Buffers.Binary;

namespace WaEngine.Engine.Transport;

/// <summary>
/// WhatsApp's websocket framing: every frame is a 3-byte big-endian length followed by that many bytes.
/// </summary>
internal static class FrameCodec
{
    /// <summary>Length of the length prefix.</summary>
    public const int HeaderLength = 3;

    /// <summary>The largest payload a 3-byte length can describe (2^24 − 1).</summary>
    public const int MaxPayloadLength = 0xFF_FFFF;

    /// <summary>Writes the 3-byte big-endian length of a payload of <paramref name="payloadLength"/> bytes.</summary>
    /// <exception cref="FrameException">The length is negative or above <see cref="MaxPayloadLength"/>.</exception>
    public static void WriteHeader(Span<byte> destination, int payloadLength)
    {
        CheckLength(payloadLength);
        if (destination.Length < HeaderLength)
        {
            throw new FrameException($"A frame header needs {HeaderLength} bytes, the destination has {destination.Length}.");
        }

        destination[0] = (byte)(payloadLength >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)payloadLength);
    }

    /// <summary>Reads the payload length from a 3-byte header.</summary>
    public static int ReadHeader(ReadOnlySpan<byte> header) =>
        (header[0] << 16) | BinaryPrimitives.ReadUInt16BigEndian(header[1..HeaderLength]);

    /// <summary>
    /// Builds one websocket message: the optional connection <paramref name="prefix"/> (the intro header on a
    /// client's first frame), the length, then <paramref name="payload"/>.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> prefix = default)
    {
        CheckLength(payload.Length);
        var frame = new byte[prefix.Length + HeaderLength + payload.Length];
        prefix.CopyTo(frame);
        WriteHeader(frame.AsSpan(prefix.Length), payload.Length);
        payload.CopyTo(frame.AsSpan(prefix.Length + HeaderLength));
        return frame;
    }

    private static void CheckLength(int payloadLength)
    {
        if (payloadLength is < 0 or > MaxPayloadLength)
        {
            throw new FrameException($"Frame payload length {payloadLength} is out of range (0 to {MaxPayloadLength}).");
        }
    }
}
