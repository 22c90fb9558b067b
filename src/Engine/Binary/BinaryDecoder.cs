using System.Buffers;
using System.IO.Compression;

namespace WaEngine.Engine.Binary;

/// <summary>
/// Decodes a frame payload (flag byte + body) into a <see cref="Node"/>. Flag bit 0x02 means the body is a zlib (RFC 1950)
/// stream; other flag bits are ignored. JIDs come back as strings in Baileys' form (<c>@s.whatsapp.net</c>,
/// <c>1234:2@s.whatsapp.net</c>, <c>5678@lid</c>); an AD_JID with an unknown domain type keeps it as the agent
/// (<c>user_7:3@s.whatsapp.net</c>) where Baileys drops it. Bad input raises <see cref="BinaryFormatException"/> and nothing else.
/// </summary>
internal static class BinaryDecoder
{
    /// <summary>The deepest nesting accepted, counting nodes and JID parts.</summary>
    public const int MaxDepth = 64;

    /// <summary>The largest body a compressed payload may inflate to (16 MiB, the frame size limit).</summary>
    public const int MaxDecompressedBytes = 16 * 1024 * 1024;

    /// <summary>The flag bit marking a zlib-compressed body.</summary>
    public const byte CompressedFlag = 0x02;

    /// <summary>Decodes a frame payload that starts with the flag byte.</summary>
    /// <exception cref="BinaryFormatException">The payload is empty, does not inflate, or is not exactly one well-formed node.</exception>
    public static Node Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            throw new BinaryFormatException("payload is empty (expected a flag byte and a node)", 0);
        }

        if ((payload[0] & CompressedFlag) == 0)
        {
            return DecodeBody(payload[1..]);
        }

        var inflated = Inflate(payload[1..]);
        return DecodeBody(inflated.AsSpan());
    }

    /// <summary>Decodes an uncompressed body (the bytes after the flag byte).</summary>
    /// <exception cref="BinaryFormatException">The body is not exactly one well-formed node.</exception>
    public static Node DecodeBody(ReadOnlySpan<byte> body) => new NodeReader(body).ReadRoot();

    private static ArraySegment<byte> Inflate(ReadOnlySpan<byte> compressed)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            int read;
            while ((read = zlib.Read(chunk)) > 0)
            {
                if (output.Length + read > MaxDecompressedBytes)
                {
                    throw new BinaryFormatException($"compressed body inflates past {MaxDecompressedBytes} bytes", 0);
                }

                output.Write(chunk, 0, read);
            }

            return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new BinaryFormatException($"compressed body is not a valid zlib stream ({ex.Message})", 0, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
