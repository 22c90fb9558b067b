using System.Numerics;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace WaEngine.Engine.Crypto;

/// <summary>
/// X25519 key agreement and XEdDSA signatures ("curve25519 signatures") bit-compatible with libsignal:
/// a signature is made with the Montgomery private key as an Ed25519 scalar, and carries the sign bit of
/// the matching Edwards public key in bit 7 of its last byte, so a verifier needs only the Montgomery key.
/// X25519 and the final Ed25519 verification run through NSec; only the scalar arithmetic of XEdDSA signing,
/// which NSec does not expose, calls libsodium directly (<see cref="Sodium"/>).
/// </summary>
public static class Curve25519
{
    /// <summary>Length of keys and of the shared secret.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of a signature.</summary>
    public const int SignatureLength = 64;

    private static readonly BigInteger FieldPrime = BigInteger.Pow(2, 255) - 19;

    /// <summary>Generates a fresh key pair from the system's secure random source.</summary>
    public static KeyPair GenerateKeyPair() => KeyPairFromPrivate(RandomNumberGenerator.GetBytes(KeyLength));

    /// <summary>Builds the key pair for a private key (clamped on a copy; the input is not modified).</summary>
    public static KeyPair KeyPairFromPrivate(ReadOnlySpan<byte> privateKey)
    {
        RequireLength(privateKey, KeyLength, "private key");
        var clamped = privateKey.ToArray();
        Clamp(clamped);
        using var key = Key.Import(KeyAgreementAlgorithm.X25519, clamped, KeyBlobFormat.RawPrivateKey);
        return new KeyPair(key.PublicKey.Export(KeyBlobFormat.RawPublicKey), clamped);
    }

    /// <summary>X25519: the 32-byte shared secret of our private key and their public key.</summary>
    /// <exception cref="CryptoException">Wrong lengths, or a public key of small order (all-zero secret).</exception>
    public static byte[] SharedSecret(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey)
    {
        RequireLength(privateKey, KeyLength, "private key");
        RequireLength(publicKey, KeyLength, "public key");
        using var key = Key.Import(KeyAgreementAlgorithm.X25519, privateKey, KeyBlobFormat.RawPrivateKey);
        var peer = PublicKey.Import(KeyAgreementAlgorithm.X25519, publicKey, KeyBlobFormat.RawPublicKey);
        // NSec keeps a shared secret sealed unless asked; the protocols here feed the raw 32 bytes to HKDF.
        var exportable = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        using var secret = KeyAgreementAlgorithm.X25519.Agree(key, peer, exportable)
            ?? throw new CryptoException("X25519 agreement produced the all-zero secret: the peer's public key has small order.");
        return secret.Export(SharedSecretBlobFormat.RawSharedSecret);
    }

    /// <summary>XEdDSA-signs <paramref name="message"/> with a Curve25519 private key, with fresh random nonce material.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Span<byte> random = stackalloc byte[64];
        RandomNumberGenerator.Fill(random);
        return Sign(privateKey, message, random);
    }

    /// <summary>XEdDSA-signs with caller-supplied 64 bytes of nonce randomness (deterministic for tests).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random)
    {
        RequireLength(privateKey, KeyLength, "private key");
        RequireLength(random, 64, "signature randomness");
        Sodium.EnsureLoaded();

        // The Ed25519 scalar is the clamped Montgomery private key, reduced mod the group order.
        Span<byte> wide = stackalloc byte[64];
        wide.Clear();
        privateKey.CopyTo(wide);
        Clamp(wide[..KeyLength]);
        Span<byte> scalar = stackalloc byte[KeyLength];
        Sodium.crypto_core_ed25519_scalar_reduce(scalar, wide);

        Span<byte> edPublic = stackalloc byte[KeyLength];
        if (Sodium.crypto_scalarmult_ed25519_base_noclamp(edPublic, scalar) != 0)
        {
            throw new CryptoException("Cannot sign with a zero private key.");
        }

        // Nonce r = SHA-512(0xFE 0xFF*31 || a || M || Z) mod L, as libsignal's curve25519_sign derives it.
        var nonceInput = new byte[32 + KeyLength + message.Length + 64];
        nonceInput[0] = 0xFE;
        nonceInput.AsSpan(1, 31).Fill(0xFF);
        wide[..KeyLength].CopyTo(nonceInput.AsSpan(32));
        message.CopyTo(nonceInput.AsSpan(64));
        random.CopyTo(nonceInput.AsSpan(64 + message.Length));
        Span<byte> nonceHash = stackalloc byte[64];
        SHA512.HashData(nonceInput, nonceHash);
        CryptographicOperations.ZeroMemory(nonceInput);
        Span<byte> nonce = stackalloc byte[KeyLength];
        Sodium.crypto_core_ed25519_scalar_reduce(nonce, nonceHash);

        var signature = new byte[SignatureLength];
        if (Sodium.crypto_scalarmult_ed25519_base_noclamp(signature.AsSpan(0, 32), nonce) != 0)
        {
            throw new CryptoException("Signature nonce reduced to zero; retry with other randomness.");
        }

        // h = SHA-512(R || A || M) mod L; s = r + h·a mod L.
        var challengeInput = new byte[64 + message.Length];
        signature.AsSpan(0, 32).CopyTo(challengeInput);
        edPublic.CopyTo(challengeInput.AsSpan(32));
        message.CopyTo(challengeInput.AsSpan(64));
        Span<byte> challengeHash = stackalloc byte[64];
        SHA512.HashData(challengeInput, challengeHash);
        Span<byte> challenge = stackalloc byte[KeyLength];
        Sodium.crypto_core_ed25519_scalar_reduce(challenge, challengeHash);

        Span<byte> product = stackalloc byte[KeyLength];
        Sodium.crypto_core_ed25519_scalar_mul(product, challenge, scalar);
        Sodium.crypto_core_ed25519_scalar_add(signature.AsSpan(32), nonce, product);

        signature[63] = (byte)((signature[63] & 0x7F) | (edPublic[31] & 0x80));
        CryptographicOperations.ZeroMemory(wide);
        CryptographicOperations.ZeroMemory(scalar);
        CryptographicOperations.ZeroMemory(nonce);
        CryptographicOperations.ZeroMemory(nonceHash);
        return signature;
    }

    /// <summary>Checks an XEdDSA signature against a Curve25519 public key (32 raw bytes or Signal's 33-byte form).</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length == KeyLength + 1 && publicKey[0] == SignalKey.DjbType)
        {
            publicKey = publicKey[1..];
        }

        if (publicKey.Length != KeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        Span<byte> edPublic = stackalloc byte[KeyLength];
        MontgomeryToEdwards(publicKey, edPublic);
        edPublic[31] = (byte)((edPublic[31] & 0x7F) | (signature[63] & 0x80));

        Span<byte> edSignature = stackalloc byte[SignatureLength];
        signature.CopyTo(edSignature);
        edSignature[63] &= 0x7F;

        var edKey = PublicKey.Import(SignatureAlgorithm.Ed25519, edPublic, KeyBlobFormat.RawPublicKey);
        return SignatureAlgorithm.Ed25519.Verify(edKey, message, edSignature);
    }

    /// <summary>Verifies and throws <see cref="CryptoException"/> naming <paramref name="what"/> when the signature is bad.</summary>
    public static void VerifyOrThrow(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, string what)
    {
        if (!Verify(publicKey, message, signature))
        {
            throw new CryptoException($"The signature of {what} does not verify.");
        }
    }

    internal static void RequireLength(ReadOnlySpan<byte> value, int expected, string what)
    {
        if (value.Length != expected)
        {
            throw new CryptoException($"The {what} has unexpected length {value.Length} (expected {expected}).");
        }
    }

    private static void Clamp(Span<byte> scalar)
    {
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
    }

    /// <summary>
    /// Edwards y = (u − 1) / (u + 1) mod p from the Montgomery u-coordinate. Public data only, so
    /// BigInteger arithmetic (not constant time) is acceptable here.
    /// </summary>
    private static void MontgomeryToEdwards(ReadOnlySpan<byte> montgomery, Span<byte> edwards)
    {
        Span<byte> masked = stackalloc byte[KeyLength];
        montgomery.CopyTo(masked);
        masked[31] &= 0x7F;
        var u = new BigInteger(masked, isUnsigned: true, isBigEndian: false) % FieldPrime;
        var numerator = (u - BigInteger.One + FieldPrime) % FieldPrime;
        var denominator = (u + BigInteger.One) % FieldPrime;
        var y = numerator * BigInteger.ModPow(denominator, FieldPrime - 2, FieldPrime) % FieldPrime;
        edwards.Clear();
        y.TryWriteBytes(edwards, out _, isUnsigned: true, isBigEndian: false);
    }
}
