using System.Security.Cryptography;

namespace WaEngine.Engine.Crypto;

/// <summary>HKDF-SHA256 (RFC 5869), the key derivation used by Noise, Signal, media and pairing.</summary>
public static class Hkdf
{
    /// <summary>Derives <paramref name="length"/> bytes; an empty salt means 32 zero bytes, as the RFC says.</summary>
    public static byte[] DeriveSha256(ReadOnlySpan<byte> inputKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int length)
    {
        if (length is <= 0 or > 255 * 32)
        {
            throw new CryptoException($"HKDF-SHA256 output length {length} is out of range (1 to 8160).");
        }

        var output = new byte[length];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, output, salt, info);
        return output;
    }

    /// <summary>Derives with an ASCII info string.</summary>
    public static byte[] DeriveSha256(ReadOnlySpan<byte> inputKey, ReadOnlySpan<byte> salt, string info, int length) =>
        DeriveSha256(inputKey, salt, System.Text.Encoding.ASCII.GetBytes(info), length);
}
