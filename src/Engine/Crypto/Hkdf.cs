using System.Security.Cryptography;

namespace WaEngine.Engine.Crypto;

/// <summary>
/// HKDF-SHA256 (RFC 5869), the key derivation used by Noise, Signal, media and pairing. Built on the platform's
/// HMAC and HKDF rather than NSec's <c>HkdfSha256</c>, which wraps the same platform HKDF and also refuses the
/// empty input key material Noise's final split passes.
/// </summary>
public static class Hkdf
{
    private const int HashLength = 32;

    /// <summary>Derives <paramref name="length"/> bytes; an empty salt means 32 zero bytes, as the RFC says.</summary>
    public static byte[] DeriveSha256(ReadOnlySpan<byte> inputKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int length)
    {
        if (length is <= 0 or > 255 * HashLength)
        {
            throw new CryptoException($"HKDF-SHA256 output length {length} is out of range (1 to 8160).");
        }

        var output = new byte[length];
        DeriveSha256(inputKey, salt, info, output);
        return output;
    }

    /// <summary>Derives with an ASCII info string.</summary>
    public static byte[] DeriveSha256(ReadOnlySpan<byte> inputKey, ReadOnlySpan<byte> salt, string info, int length) =>
        DeriveSha256(inputKey, salt, System.Text.Encoding.ASCII.GetBytes(info), length);

    /// <summary>
    /// Derives into <paramref name="output"/>. The extract step is an HMAC of our own because the platform's HKDF
    /// (OpenSSL) refuses empty input key material, which Noise's final split uses.
    /// </summary>
    public static void DeriveSha256(ReadOnlySpan<byte> inputKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        Span<byte> zeroSalt = stackalloc byte[HashLength];
        zeroSalt.Clear();
        Span<byte> pseudoRandomKey = stackalloc byte[HashLength];
        HMACSHA256.HashData(salt.IsEmpty ? zeroSalt : salt, inputKey, pseudoRandomKey);
        HKDF.Expand(HashAlgorithmName.SHA256, pseudoRandomKey, output, info);
        CryptographicOperations.ZeroMemory(pseudoRandomKey);
    }
}
