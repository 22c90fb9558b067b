namespace WaEngine.Engine.Crypto;

/// <summary>
/// Signal's public-key encoding: the 32-byte Curve25519 key behind a 0x05 type byte (33 bytes).
/// Used inside Signal protobufs and in every signature input over a public key.
/// </summary>
public static class SignalKey
{
    /// <summary>The key-type byte for Curve25519 ("DJB") keys.</summary>
    public const byte DjbType = 0x05;

    /// <summary>Returns 0x05 || key.</summary>
    public static byte[] Prefix(ReadOnlySpan<byte> rawKey)
    {
        Curve25519.RequireLength(rawKey, Curve25519.KeyLength, "public key");
        var result = new byte[Curve25519.KeyLength + 1];
        result[0] = DjbType;
        rawKey.CopyTo(result.AsSpan(1));
        return result;
    }

    /// <summary>Returns the raw 32-byte key from the 33-byte form; a 32-byte input is returned as is.</summary>
    public static byte[] StripPrefix(ReadOnlySpan<byte> key)
    {
        if (key.Length == Curve25519.KeyLength)
        {
            return key.ToArray();
        }

        if (key.Length != Curve25519.KeyLength + 1)
        {
            throw new CryptoException($"Public key has unexpected length {key.Length} (expected 33, or 32 without the type byte).");
        }

        if (key[0] != DjbType)
        {
            throw new CryptoException($"Public key has unknown type byte 0x{key[0]:x2} (expected 0x05).");
        }

        return key[1..].ToArray();
    }
}
