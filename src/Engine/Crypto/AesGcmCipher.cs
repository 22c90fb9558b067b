using System.Security.Cryptography;

namespace WaEngine.Engine.Crypto;

/// <summary>
/// AES-256-GCM with a 12-byte nonce and the 16-byte tag appended to the ciphertext, on the platform's
/// <see cref="AesGcm"/> like the Noise transport. NSec's <c>Aes256Gcm</c> is not used: it needs AES and
/// carry-less multiply instructions (and throws <see cref="PlatformNotSupportedException"/> without them), so
/// this path would have to stay as its fallback, and it copies every key into guarded libsodium memory per call.
/// </summary>
public static class AesGcmCipher
{
    /// <summary>Length of the authentication tag.</summary>
    public const int TagLength = 16;

    /// <summary>Length of the nonce.</summary>
    public const int NonceLength = 12;

    /// <summary>Encrypts into ciphertext || tag.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        CheckKeyAndNonce(key, nonce);
        var output = new byte[plaintext.Length + TagLength];
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return output;
    }

    /// <summary>Decrypts ciphertext || tag; throws <see cref="CryptoException"/> if the tag does not match.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        CheckKeyAndNonce(key, nonce);
        if (sealedData.Length < TagLength)
        {
            throw new CryptoException($"AES-GCM input has length {sealedData.Length}, shorter than its {TagLength}-byte tag.");
        }

        var plaintext = new byte[sealedData.Length - TagLength];
        using var aes = new AesGcm(key, TagLength);
        try
        {
            aes.Decrypt(nonce, sealedData[..plaintext.Length], sealedData[plaintext.Length..], plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptoException("AES-GCM authentication failed: the data was altered or the key is wrong.", ex);
        }

        return plaintext;
    }

    private static void CheckKeyAndNonce(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce)
    {
        Curve25519.RequireLength(key, 32, "AES-256-GCM key");
        Curve25519.RequireLength(nonce, NonceLength, "AES-GCM nonce");
    }
}
