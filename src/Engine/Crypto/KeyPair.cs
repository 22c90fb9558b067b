namespace WaEngine.Engine.Crypto;

/// <summary>A Curve25519 key pair: 32-byte raw public key and 32-byte clamped private scalar.</summary>
public sealed class KeyPair
{
    /// <summary>Wraps existing key bytes (both must be 32 bytes).</summary>
    public KeyPair(byte[] publicKey, byte[] privateKey)
    {
        Curve25519.RequireLength(publicKey, Curve25519.KeyLength, "public key");
        Curve25519.RequireLength(privateKey, Curve25519.KeyLength, "private key");
        PublicKey = publicKey;
        PrivateKey = privateKey;
    }

    /// <summary>The 32-byte Montgomery u-coordinate, as WhatsApp sends it outside Signal messages.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The 32-byte private scalar (clamped).</summary>
    public byte[] PrivateKey { get; }

    /// <summary>The public key in Signal's 33-byte form (0x05 prefix).</summary>
    public byte[] SignalPublicKey => SignalKey.Prefix(PublicKey);
}
