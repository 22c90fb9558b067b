using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Signal;

/// <summary>The root-key derivations of X3DH and the DH ratchet.</summary>
internal static class RootKey
{
    private static readonly byte[] TextInfo = "WhisperText"u8.ToArray();
    private static readonly byte[] RatchetInfo = "WhisperRatchet"u8.ToArray();

    /// <summary>HKDF(master, 32 zero bytes, "WhisperText") → (root key, chain key).</summary>
    public static (byte[] Root, byte[] Chain) FromMasterSecret(ReadOnlySpan<byte> masterSecret)
    {
        Span<byte> salt = stackalloc byte[32];
        salt.Clear();
        var okm = Hkdf.DeriveSha256(masterSecret, salt, TextInfo, 64);
        return (okm[..32], okm[32..]);
    }

    /// <summary>One DH ratchet step: HKDF(DH(ourPrivate, theirPublic), rootKey, "WhisperRatchet") → (root key, chain key).</summary>
    public static (byte[] Root, byte[] Chain) Ratchet(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> ourPrivate, ReadOnlySpan<byte> theirPublic32)
    {
        var shared = Curve25519.SharedSecret(ourPrivate, theirPublic32);
        var okm = Hkdf.DeriveSha256(shared, rootKey, RatchetInfo, 64);
        return (okm[..32], okm[32..]);
    }
}
