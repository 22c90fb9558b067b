using System.Security.Cryptography;
using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Signal;

/// <summary>The keys of one WhisperMessage, expanded from its 32-byte seed with HKDF "WhisperMessageKeys".</summary>
internal readonly struct MessageKeys
{
    private static readonly byte[] Info = "WhisperMessageKeys"u8.ToArray();
    private static readonly byte[] MessageKeySeedInput = [0x01];
    private static readonly byte[] ChainKeySeedInput = [0x02];

    private MessageKeys(byte[] cipherKey, byte[] macKey, byte[] iv)
    {
        CipherKey = cipherKey;
        MacKey = macKey;
        Iv = iv;
    }

    public byte[] CipherKey { get; }

    public byte[] MacKey { get; }

    public byte[] Iv { get; }

    /// <summary>cipherKey 32 | macKey 32 | iv 16 from HKDF(seed, 32 zero bytes, "WhisperMessageKeys").</summary>
    public static MessageKeys FromSeed(ReadOnlySpan<byte> seed)
    {
        Span<byte> salt = stackalloc byte[32];
        salt.Clear();
        var okm = Hkdf.DeriveSha256(seed, salt, Info, 80);
        return new MessageKeys(okm[..32], okm[32..64], okm[64..80]);
    }

    /// <summary>The message key seed a chain key yields: HMAC-SHA256(chainKey, 0x01).</summary>
    public static byte[] SeedOf(ReadOnlySpan<byte> chainKey) => HMACSHA256.HashData(chainKey, MessageKeySeedInput);

    /// <summary>The next chain key: HMAC-SHA256(chainKey, 0x02).</summary>
    public static byte[] NextChainKey(ReadOnlySpan<byte> chainKey) => HMACSHA256.HashData(chainKey, ChainKeySeedInput);
}
