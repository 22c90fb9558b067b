using System.Buffers.Binary;
using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Signal;

/// <summary>
/// Generates Signal key material: identity and registration id, signed prekeys, batches of one-time prekeys.
/// Prekey ids are 24-bit (3 bytes on the wire) and wrap from 16,777,215 back to 1, as WhatsApp clients do.
/// </summary>
public sealed class SignalKeyGenerator
{
    /// <summary>The largest prekey id that fits the 3-byte wire field.</summary>
    public const uint MaxPreKeyId = 0xFFFFFF;

    private readonly IRandomSource _random;

    /// <summary>Creates a generator drawing from <paramref name="random"/> (the OS source when null).</summary>
    public SignalKeyGenerator(IRandomSource? random = null)
    {
        _random = random ?? SecureRandomSource.Instance;
    }

    /// <summary>The id after <paramref name="id"/>, wrapping past <see cref="MaxPreKeyId"/> to 1.</summary>
    public static uint NextPreKeyId(uint id) => id >= MaxPreKeyId ? 1 : id + 1;

    /// <summary>A fresh Curve25519 key pair.</summary>
    public KeyPair GenerateKeyPair()
    {
        Span<byte> secret = stackalloc byte[Curve25519.KeyLength];
        _random.Fill(secret);
        return Curve25519.KeyPairFromPrivate(secret);
    }

    /// <summary>A fresh identity key pair with a registration id in 1..16383.</summary>
    public SignalIdentity GenerateIdentity()
    {
        Span<byte> bytes = stackalloc byte[2];
        _random.Fill(bytes);
        var registrationId = (uint)(BinaryPrimitives.ReadUInt16BigEndian(bytes) & 0x3FFF);
        return new SignalIdentity(GenerateKeyPair(), registrationId == 0 ? 1 : registrationId);
    }

    /// <summary>A signed prekey: the identity key signs <c>0x05 || public key</c>.</summary>
    public SignedPreKeyRecord GenerateSignedPreKey(SignalIdentity identity, uint id)
    {
        RequirePreKeyId(id);
        var keyPair = GenerateKeyPair();
        return new SignedPreKeyRecord(id, keyPair, Sign(identity.KeyPair.PrivateKey, keyPair.SignalPublicKey));
    }

    /// <summary><paramref name="count"/> one-time prekeys with consecutive ids from <paramref name="firstId"/>, wrapping to 1.</summary>
    public IReadOnlyList<PreKeyRecord> GeneratePreKeys(uint firstId, int count)
    {
        RequirePreKeyId(firstId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var keys = new List<PreKeyRecord>(count);
        var id = firstId;
        for (var i = 0; i < count; i++)
        {
            keys.Add(new PreKeyRecord(id, GenerateKeyPair()));
            id = NextPreKeyId(id);
        }

        return keys;
    }

    /// <summary>XEdDSA signature with nonce randomness from this generator's source.</summary>
    public byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Span<byte> nonce = stackalloc byte[64];
        _random.Fill(nonce);
        return Curve25519.Sign(privateKey, message, nonce);
    }

    /// <summary>A random unsigned integer below 2^31 (sender key ids).</summary>
    public uint NextUInt31()
    {
        Span<byte> bytes = stackalloc byte[4];
        _random.Fill(bytes);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes) & 0x7FFFFFFF;
    }

    /// <summary>Fills a new array of <paramref name="length"/> random bytes.</summary>
    public byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.Fill(bytes);
        return bytes;
    }

    private static void RequirePreKeyId(uint id)
    {
        if (id is 0 or > MaxPreKeyId)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Prekey ids run from 1 to {MaxPreKeyId}.");
        }
    }
}
