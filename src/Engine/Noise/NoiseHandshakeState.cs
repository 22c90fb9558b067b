using System.Buffers.Binary;
using System.Security.Cryptography;
using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Noise;

/// <summary>
/// The symmetric state of Noise_XX_25519_AESGCM_SHA256 as WhatsApp runs it: handshake hash h, chaining key ck,
/// cipher key k, and ONE counter shared by encryption and decryption that MixKey resets to zero.
/// </summary>
internal sealed class NoiseHandshakeState
{
    private const int HashLength = 32;

    private readonly byte[] _hash = new byte[HashLength];
    private readonly byte[] _chainingKey = new byte[HashLength];
    private readonly byte[] _key = new byte[HashLength];
    private uint _counter;

    /// <summary>Starts from the protocol name (exactly 32 bytes, so used as h directly) and mixes in the prologue.</summary>
    public NoiseHandshakeState(ReadOnlySpan<byte> prologue)
    {
        ProtocolName.CopyTo(_hash);
        ProtocolName.CopyTo(_chainingKey);
        ProtocolName.CopyTo(_key);
        MixHash(prologue);
    }

    /// <summary>"Noise_XX_25519_AESGCM_SHA256" followed by four NUL bytes: 32 bytes.</summary>
    public static ReadOnlySpan<byte> ProtocolName => "Noise_XX_25519_AESGCM_SHA256\0\0\0\0"u8;

    /// <summary>The current handshake hash (for tests and channel binding).</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>h = SHA-256(h || data).</summary>
    public void MixHash(ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_hash);
        sha.AppendData(data);
        sha.GetHashAndReset(_hash);
    }

    /// <summary>(ck, k) = HKDF(salt ck, ikm, info "", 64); the counter restarts at zero.</summary>
    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        Derive(inputKeyMaterial, output);
        output[..HashLength].CopyTo(_chainingKey);
        output[HashLength..].CopyTo(_key);
        CryptographicOperations.ZeroMemory(output);
        _counter = 0;
    }

    /// <summary>X25519 of our private key and their public key, mixed into the key.</summary>
    public void MixSharedSecret(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, string what)
    {
        byte[] secret;
        try
        {
            secret = Curve25519.SharedSecret(privateKey, publicKey);
        }
        catch (CryptoException ex)
        {
            throw new NoiseHandshakeException($"Key agreement with the {what} failed: {ex.Message}", ex);
        }

        MixKey(secret);
        CryptographicOperations.ZeroMemory(secret);
    }

    /// <summary>AES-GCM with k, nonce = counter, AAD = h; then h absorbs the ciphertext.</summary>
    public byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[AesGcmCipher.NonceLength];
        WriteNonce(nonce, _counter++);
        var ciphertext = AesGcmCipher.Encrypt(_key, nonce, plaintext, _hash);
        MixHash(ciphertext);
        return ciphertext;
    }

    /// <summary>The inverse of <see cref="EncryptAndHash"/>; names <paramref name="what"/> when authentication fails.</summary>
    public byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext, string what)
    {
        Span<byte> nonce = stackalloc byte[AesGcmCipher.NonceLength];
        WriteNonce(nonce, _counter++);
        byte[] plaintext;
        try
        {
            plaintext = AesGcmCipher.Decrypt(_key, nonce, ciphertext, _hash);
        }
        catch (CryptoException ex)
        {
            throw new NoiseHandshakeException($"The {what} does not decrypt: {ex.Message}", ex);
        }

        MixHash(ciphertext);
        return plaintext;
    }

    /// <summary>Derives the transport keys: HKDF(salt ck, empty ikm, 64) = initiator's send key || responder's send key.</summary>
    public NoiseTransport Split(bool initiator)
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        Derive(ReadOnlySpan<byte>.Empty, output);
        var transport = initiator
            ? new NoiseTransport(output[..HashLength], output[HashLength..])
            : new NoiseTransport(output[HashLength..], output[..HashLength]);
        CryptographicOperations.ZeroMemory(output);
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_chainingKey);
        return transport;
    }

    /// <summary>HKDF-SHA256 with salt ck and empty info.</summary>
    private void Derive(ReadOnlySpan<byte> inputKeyMaterial, Span<byte> output) =>
        Hkdf.DeriveSha256(inputKeyMaterial, _chainingKey, ReadOnlySpan<byte>.Empty, output);

    private static void WriteNonce(Span<byte> nonce, uint counter)
    {
        nonce[..8].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], counter);
    }
}
