using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// The cryptography of pairing by phone code, for both ends: the companion (the engine) and the primary
/// phone (the sandbox's virtual phone).
/// <list type="number">
/// <item>Each side wraps a fresh ephemeral public key under a key derived from the code:
/// <c>salt(32) || iv(16) || AES-256-CTR(PBKDF2-SHA256(code, salt, 131072), iv, pub)</c> — 80 bytes.</item>
/// <item>The companion sends <c>bundleSalt(32) || nonce(12) || AES-GCM(HKDF(X25519(eph, peerEph), bundleSalt,
/// "link_code_pairing_key_bundle_encryption_key"), companionIdentity || primaryIdentity || advRandom)</c>.</item>
/// <item>Both derive the ADV secret: <c>HKDF(ephShared || identityShared || advRandom, no salt, "adv_secret")</c>.</item>
/// </list>
/// </summary>
internal static class LinkCodeCrypto
{
    /// <summary>PBKDF2 iterations (2 &lt;&lt; 16).</summary>
    public const int Iterations = 2 << 16;

    /// <summary>Size of a wrapped ephemeral key.</summary>
    public const int WrappedKeyLength = 32 + 16 + 32;

    /// <summary>Size of the wrapped key bundle: salt, nonce, 96 bytes of plaintext, GCM tag.</summary>
    public const int WrappedBundleLength = 32 + 12 + 96 + 16;

    private const string BundleInfo = "link_code_pairing_key_bundle_encryption_key";
    private const string AdvInfo = "adv_secret";

    /// <summary>The AES key for wrapping an ephemeral key under <paramref name="code"/> (the 8 characters, no dash).</summary>
    public static byte[] DeriveCodeKey(string code, ReadOnlySpan<byte> salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.ASCII.GetBytes(code), salt, Iterations, HashAlgorithmName.SHA256, 32);

    /// <summary>Wraps an ephemeral public key under the code, with fresh salt and IV.</summary>
    public static byte[] WrapEphemeral(string code, ReadOnlySpan<byte> ephemeralPublic) =>
        WrapEphemeral(code, ephemeralPublic, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16));

    /// <summary>Wraps with caller-chosen salt and IV (tests).</summary>
    public static byte[] WrapEphemeral(string code, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> iv)
    {
        Curve25519.RequireLength(ephemeralPublic, 32, "ephemeral public key");
        Curve25519.RequireLength(salt, 32, "code salt");
        Curve25519.RequireLength(iv, 16, "code IV");
        var wrapped = new byte[WrappedKeyLength];
        salt.CopyTo(wrapped);
        iv.CopyTo(wrapped.AsSpan(32));
        AesCtrCipher.Transform(DeriveCodeKey(code, salt), iv, ephemeralPublic).CopyTo(wrapped.AsSpan(48));
        return wrapped;
    }

    /// <summary>Recovers the peer's ephemeral public key from its 80-byte wrapping.</summary>
    public static byte[] UnwrapEphemeral(string code, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length != WrappedKeyLength)
        {
            throw new PairingException($"Wrapped ephemeral key has {wrapped.Length} bytes (expected {WrappedKeyLength}).");
        }

        return AesCtrCipher.Transform(DeriveCodeKey(code, wrapped[..32]), wrapped.Slice(32, 16), wrapped[48..]);
    }

    /// <summary>
    /// Companion side, once the phone's notification arrived: builds the wrapped key bundle for
    /// <c>companion_finish</c> and the new ADV secret.
    /// </summary>
    public static (byte[] WrappedBundle, byte[] AdvSecret) CompanionFinish(
        KeyPair companionIdentity, KeyPair companionEphemeral, ReadOnlySpan<byte> primaryEphemeralPublic, ReadOnlySpan<byte> primaryIdentityPublic) =>
        CompanionFinish(companionIdentity, companionEphemeral, primaryEphemeralPublic, primaryIdentityPublic,
            RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(12));

    /// <summary>Companion side with caller-chosen randomness (tests).</summary>
    public static (byte[] WrappedBundle, byte[] AdvSecret) CompanionFinish(
        KeyPair companionIdentity,
        KeyPair companionEphemeral,
        ReadOnlySpan<byte> primaryEphemeralPublic,
        ReadOnlySpan<byte> primaryIdentityPublic,
        ReadOnlySpan<byte> advRandom,
        ReadOnlySpan<byte> bundleSalt,
        ReadOnlySpan<byte> nonce)
    {
        Curve25519.RequireLength(primaryIdentityPublic, 32, "primary identity key");
        Curve25519.RequireLength(advRandom, 32, "adv random");
        var ephemeralShared = Curve25519.SharedSecret(companionEphemeral.PrivateKey, primaryEphemeralPublic);
        var bundleKey = Hkdf.DeriveSha256(ephemeralShared, bundleSalt, BundleInfo, 32);

        var plaintext = new byte[96];
        companionIdentity.PublicKey.CopyTo(plaintext, 0);
        primaryIdentityPublic.CopyTo(plaintext.AsSpan(32));
        advRandom.CopyTo(plaintext.AsSpan(64));

        var wrapped = new byte[WrappedBundleLength];
        bundleSalt.CopyTo(wrapped);
        nonce.CopyTo(wrapped.AsSpan(32));
        AesGcmCipher.Encrypt(bundleKey, nonce, plaintext, []).CopyTo(wrapped.AsSpan(44));

        var identityShared = Curve25519.SharedSecret(companionIdentity.PrivateKey, primaryIdentityPublic);
        return (wrapped, AdvSecret(ephemeralShared, identityShared, advRandom));
    }

    /// <summary>
    /// Primary side, on <c>companion_finish</c>: opens the key bundle, checks that it names the companion's identity
    /// (as sent beside it) and this phone's identity, and derives the same ADV secret the companion did.
    /// </summary>
    public static byte[] PrimaryOpenBundle(
        KeyPair primaryIdentity, KeyPair primaryEphemeral, ReadOnlySpan<byte> companionEphemeralPublic, ReadOnlySpan<byte> companionIdentityPublic, ReadOnlySpan<byte> wrappedBundle)
    {
        if (wrappedBundle.Length != WrappedBundleLength)
        {
            throw new PairingException($"Wrapped key bundle has {wrappedBundle.Length} bytes (expected {WrappedBundleLength}).");
        }

        var ephemeralShared = Curve25519.SharedSecret(primaryEphemeral.PrivateKey, companionEphemeralPublic);
        var bundleKey = Hkdf.DeriveSha256(ephemeralShared, wrappedBundle[..32], BundleInfo, 32);
        byte[] plaintext;
        try
        {
            plaintext = AesGcmCipher.Decrypt(bundleKey, wrappedBundle.Slice(32, 12), wrappedBundle[44..], []);
        }
        catch (CryptoException ex)
        {
            throw new PairingException("The key bundle does not decrypt: the code or the ephemeral keys do not match.", ex);
        }

        if (!plaintext.AsSpan(0, 32).SequenceEqual(companionIdentityPublic))
        {
            throw new PairingException("The key bundle names another companion identity than the one sent with it.");
        }

        if (!plaintext.AsSpan(32, 32).SequenceEqual(primaryIdentity.PublicKey))
        {
            throw new PairingException("The key bundle names another primary identity than this phone's.");
        }

        var identityShared = Curve25519.SharedSecret(primaryIdentity.PrivateKey, companionIdentityPublic);
        return AdvSecret(ephemeralShared, identityShared, plaintext.AsSpan(64, 32));
    }

    private static byte[] AdvSecret(ReadOnlySpan<byte> ephemeralShared, ReadOnlySpan<byte> identityShared, ReadOnlySpan<byte> advRandom)
    {
        var input = new byte[96];
        ephemeralShared.CopyTo(input);
        identityShared.CopyTo(input.AsSpan(32));
        advRandom.CopyTo(input.AsSpan(64));
        return Hkdf.DeriveSha256(input, [], AdvInfo, 32);
    }
}
