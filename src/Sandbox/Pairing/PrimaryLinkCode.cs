using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;

namespace WaEngine.Sandbox.Pairing;

/// <summary>
/// The primary phone's side of pairing by phone code: opening the companion's key bundle. The wrapping of ephemeral
/// keys under the code and the ADV secret's derivation are shared with the companion (<see cref="LinkCodeCrypto"/>).
/// </summary>
internal static class PrimaryLinkCode
{
    /// <summary>
    /// On <c>companion_finish</c>: opens the key bundle, checks that it names the companion's identity (as sent beside
    /// it) and this phone's identity, and derives the same ADV secret the companion did.
    /// </summary>
    /// <exception cref="PairingException">The bundle has the wrong size, does not decrypt, or names other identities.</exception>
    public static byte[] OpenBundle(
        KeyPair primaryIdentity, KeyPair primaryEphemeral, ReadOnlySpan<byte> companionEphemeralPublic, ReadOnlySpan<byte> companionIdentityPublic, ReadOnlySpan<byte> wrappedBundle)
    {
        if (wrappedBundle.Length != LinkCodeCrypto.WrappedBundleLength)
        {
            throw new PairingException($"Wrapped key bundle has {wrappedBundle.Length} bytes (expected {LinkCodeCrypto.WrappedBundleLength}).");
        }

        var ephemeralShared = Curve25519.SharedSecret(primaryEphemeral.PrivateKey, companionEphemeralPublic);
        var bundleKey = Hkdf.DeriveSha256(ephemeralShared, wrappedBundle[..32], LinkCodeCrypto.BundleInfo, 32);
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
        return LinkCodeCrypto.AdvSecret(ephemeralShared, identityShared, plaintext.AsSpan(64, 32));
    }
}
