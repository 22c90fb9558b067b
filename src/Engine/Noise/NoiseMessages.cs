using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Noise;

/// <summary>Parsing and field checks shared by both handshake roles.</summary>
internal static class NoiseMessages
{
    /// <summary>Length of an encrypted 32-byte static key: key + GCM tag.</summary>
    public const int EncryptedKeyLength = Curve25519.KeyLength + AesGcmCipher.TagLength;

    public static HandshakeMessage Parse(ReadOnlySpan<byte> bytes, string expected)
    {
        try
        {
            return HandshakeMessage.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new NoiseHandshakeException($"The {expected} is not a valid HandshakeMessage ({bytes.Length} bytes): {ex.Message}", ex);
        }
    }

    public static byte[] RequireLength(ByteString? value, bool present, int expected, string what)
    {
        if (!present || value is null)
        {
            throw new NoiseHandshakeException($"The {what} is missing.");
        }

        if (value.Length != expected)
        {
            throw new NoiseHandshakeException($"The {what} has unexpected length {value.Length} (expected {expected}).");
        }

        return value.ToByteArray();
    }

    public static ReadOnlySpan<byte> RequirePresent(ByteString? value, bool present, string what)
    {
        if (!present || value is null)
        {
            throw new NoiseHandshakeException($"The {what} is missing.");
        }

        return value.Span;
    }
}
