using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;
using Details = WaEngine.Proto.CertChain.Types.NoiseCertificate.Types.Details;

namespace WaEngine.Sandbox.Noise;

/// <summary>
/// The server role's certificate issuer: a root key pair signs an intermediate certificate,
/// whose key pair signs a leaf certificate for the server's static Noise key. Clients trust <see cref="RootPublicKey"/>.
/// </summary>
internal sealed class NoiseCertificateAuthority
{
    private readonly KeyPair _root;
    private readonly KeyPair _intermediate;

    /// <summary>Creates an authority from existing keys.</summary>
    public NoiseCertificateAuthority(KeyPair rootKey, KeyPair intermediateKey)
    {
        _root = rootKey;
        _intermediate = intermediateKey;
    }

    /// <summary>The root public key a client must trust.</summary>
    public byte[] RootPublicKey => _root.PublicKey;

    /// <summary>An authority with fresh random root and intermediate keys.</summary>
    public static NoiseCertificateAuthority CreateRandom() => new(Curve25519.GenerateKeyPair(), Curve25519.GenerateKeyPair());

    /// <summary>Issues a serialized CertChain (leaf for <paramref name="serverStaticKey"/>, intermediate) as <paramref name="options"/> say.</summary>
    public byte[] IssueChain(ReadOnlySpan<byte> serverStaticKey, NoiseChainOptions? options = null)
    {
        options ??= new NoiseChainOptions();
        var intermediateDetails = new Details
        {
            Serial = options.IntermediateSerial,
            IssuerSerial = options.IntermediateIssuerSerial,
            Key = ByteString.CopyFrom(_intermediate.PublicKey),
            NotBefore = UnixSeconds(options.IntermediateNotBefore),
            NotAfter = UnixSeconds(options.IntermediateNotAfter),
        }.ToByteArray();
        var leafDetails = new Details
        {
            Serial = options.LeafSerial,
            IssuerSerial = options.LeafIssuerSerial ?? options.IntermediateSerial,
            Key = ByteString.CopyFrom(options.LeafKeyOverride ?? serverStaticKey.ToArray()),
            NotBefore = UnixSeconds(options.LeafNotBefore),
            NotAfter = UnixSeconds(options.LeafNotAfter),
        }.ToByteArray();

        var chain = new CertChain
        {
            Intermediate = new CertChain.Types.NoiseCertificate
            {
                Details = ByteString.CopyFrom(intermediateDetails),
                Signature = ByteString.CopyFrom(Curve25519.Sign(_root.PrivateKey, intermediateDetails)),
            },
            Leaf = new CertChain.Types.NoiseCertificate
            {
                Details = ByteString.CopyFrom(leafDetails),
                Signature = ByteString.CopyFrom(Curve25519.Sign(_intermediate.PrivateKey, leafDetails)),
            },
        };
        return chain.ToByteArray();
    }

    private static ulong UnixSeconds(DateTimeOffset time) => (ulong)Math.Max(0, time.ToUnixTimeSeconds());
}
