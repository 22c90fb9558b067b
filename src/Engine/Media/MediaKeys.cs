using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Media;

/// <summary>
/// A media key expanded for one kind: HKDF-SHA256 over the 32-byte media key, no salt, the kind's info string, 112
/// bytes — IV [0, 16), cipher key [16, 48), MAC key [48, 80); the last 32 (ref key) are unused.
/// </summary>
public sealed class MediaKeys
{
    /// <summary>Length of a media key.</summary>
    public const int MediaKeyLength = 32;

    private const int ExpandedLength = 112;

    private MediaKeys(byte[] iv, byte[] cipherKey, byte[] macKey)
    {
        Iv = iv;
        CipherKey = cipherKey;
        MacKey = macKey;
    }

    /// <summary>The AES-CBC IV.</summary>
    public byte[] Iv { get; }

    /// <summary>The AES-256 key.</summary>
    public byte[] CipherKey { get; }

    /// <summary>The HMAC-SHA256 key.</summary>
    public byte[] MacKey { get; }

    /// <summary>Expands <paramref name="mediaKey"/> for <paramref name="kind"/>.</summary>
    /// <exception cref="CryptoException">The key is not 32 bytes.</exception>
    public static MediaKeys Expand(ReadOnlySpan<byte> mediaKey, MediaKind kind)
    {
        if (mediaKey.Length != MediaKeyLength)
        {
            throw new CryptoException($"A media key has {MediaKeyLength} bytes, not {mediaKey.Length}.");
        }

        var expanded = Hkdf.DeriveSha256(mediaKey, [], MediaKinds.HkdfInfo(kind), ExpandedLength);
        return new MediaKeys(expanded[..16], expanded[16..48], expanded[48..80]);
    }
}
