using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// The cryptography of pairing by phone code: what both ends share, and the companion's side (the engine). The
/// primary phone's side (opening the key bundle) is the sandbox's <c>WaEngine.Sandbox.Pairing.PrimaryLinkCode</c>.
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

    /// <summary>HKDF info of the key that encrypts the key bundle.</summary>
    internal const string BundleInfo = "link_code_pairing_key_bundle_encryption_key";

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

    /// <summary>The ADV secret both sides derive: <c>HKDF(ephShared || identityShared || advRandom, no salt, "adv_secret")</c>.</summary>
    internal static byte[] AdvSecret(ReadOnlySpan<byte> ephemeralShared, ReadOnlySpan<byte> identityShared, ReadOnlySpan<byte> advRandom)
    {
        var input = new byte[96];
        ephemeralShared.CopyTo(input);
        identityShared.CopyTo(input.AsSpan(32));
        advRandom.CopyTo(input.AsSpan(64));
        return Hkdf.DeriveSha256(input, [], AdvInfo, 32);
    }
}
