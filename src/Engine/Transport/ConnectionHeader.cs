using System.Buffers.Binary;

namespace WaEngine.Engine.Transport;

/// <summary>
/// The intro bytes a client sends before its first frame: <c>57 41 06 03</c> ("WA", magic 6, dictionary 3),
/// optionally preceded by an edge-routing block <c>45 44 00 01 | 3-byte length | routing info</c>.
/// Only the 4-byte WA part is the Noise prologue.
/// </summary>
internal static class ConnectionHeader
{
    /// <summary>Length of the WA header.</summary>
    public const int Length = 4;

    /// <summary>Length of the fixed part of the edge-routing block ("ED", 0, 1, 3-byte length).</summary>
    public const int RoutingPrefixLength = 7;

    /// <summary>The WA header: 'W', 'A', magic 6, token dictionary version 3.</summary>
    public static ReadOnlySpan<byte> WhatsApp => [0x57, 0x41, 0x06, 0x03];

    /// <summary>The first bytes of the edge-routing block.</summary>
    public static ReadOnlySpan<byte> RoutingMarker => [0x45, 0x44, 0x00, 0x01];

    /// <summary>Builds the intro a client prepends to its first frame; with routing info, the ED block comes first.</summary>
    public static byte[] BuildIntro(ReadOnlySpan<byte> routingInfo = default)
    {
        if (routingInfo.IsEmpty)
        {
            return WhatsApp.ToArray();
        }

        if (routingInfo.Length > FrameCodec.MaxPayloadLength)
        {
            throw new FrameException($"Routing info of {routingInfo.Length} bytes does not fit a 3-byte length.");
        }

        var intro = new byte[RoutingPrefixLength + routingInfo.Length + Length];
        RoutingMarker.CopyTo(intro);
        intro[4] = (byte)(routingInfo.Length >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(intro.AsSpan(5), (ushort)routingInfo.Length);
        routingInfo.CopyTo(intro.AsSpan(RoutingPrefixLength));
        WhatsApp.CopyTo(intro.AsSpan(RoutingPrefixLength + routingInfo.Length));
        return intro;
    }

    /// <summary>
    /// Server side: how many leading bytes of <paramref name="data"/> form the intro (ED block if any, then the WA
    /// header). Returns false while more bytes are needed to tell.
    /// </summary>
    /// <exception cref="FrameException">The bytes are not a valid intro.</exception>
    public static bool TryMeasureIntro(ReadOnlySpan<byte> data, out int introLength)
    {
        introLength = 0;
        var offset = 0;
        if (data.Length >= 1 && data[0] == RoutingMarker[0])
        {
            if (data.Length < RoutingPrefixLength)
            {
                return false;
            }

            if (!data[..RoutingMarker.Length].SequenceEqual(RoutingMarker))
            {
                throw new FrameException($"Connection starts with {Convert.ToHexString(data[..RoutingMarker.Length])}, expected the edge-routing marker 45440001 or the WA header 57410603.");
            }

            offset = RoutingPrefixLength + FrameCodec.ReadHeader(data[4..RoutingPrefixLength]);
        }

        if (data.Length < offset + Length)
        {
            return false;
        }

        var header = data.Slice(offset, Length);
        if (!header.SequenceEqual(WhatsApp))
        {
            throw new FrameException($"Connection header is {Convert.ToHexString(header)}, expected 57410603.");
        }

        introLength = offset + Length;
        return true;
    }
}
