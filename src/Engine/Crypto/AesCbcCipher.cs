using System.Security.Cryptography;

namespace WaEngine.Engine.Crypto;

/// <summary>AES-256-CBC with PKCS#7 padding (Signal message bodies, media, app state).</summary>
public static class AesCbcCipher
{
    /// <summary>Encrypts and pads.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext)
    {
        using var aes = Create(key, iv);
        return aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
    }

    /// <summary>Decrypts and removes padding; throws <see cref="CryptoException"/> on a bad length or padding.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length == 0 || ciphertext.Length % 16 != 0)
        {
            throw new CryptoException($"AES-CBC ciphertext has length {ciphertext.Length}, not a positive multiple of 16.");
        }

        using var aes = Create(key, iv);
        try
        {
            return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
        }
        catch (CryptographicException ex)
        {
            throw new CryptoException("AES-CBC decryption failed: bad padding (wrong key or altered data).", ex);
        }
    }

    private static Aes Create(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        Curve25519.RequireLength(key, 32, "AES-256-CBC key");
        Curve25519.RequireLength(iv, 16, "AES-CBC IV");
        var aes = Aes.Create();
        aes.Key = key.ToArray();
        return aes;
    }
}
