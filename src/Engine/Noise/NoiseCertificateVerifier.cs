using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;
using Details = WaEngine.Proto.CertChain.Types.NoiseCertificate.Types.Details;

namespace WaEngine.Engine.Noise;

/// <summary>
/// Client-side check of the certificate chain a server sends in its ServerHello, as strictly as whatsmeow:
/// both signatures 64 bytes and valid (intermediate by the trusted root, leaf by the intermediate key),
/// intermediate issuer serial 0, leaf issuer serial = intermediate serial, leaf key = the server's static key,
/// and both validity windows containing the current time.
/// </summary>
public sealed class NoiseCertificateVerifier
{
    /// <summary>The serial the root carries; an intermediate must name it as its issuer.</summary>
    public const uint RootSerial = 0;

    private readonly byte[] _trustedRoot;
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier trusting <paramref name="trustedRootKey"/> (32-byte Curve25519 public key).</summary>
    /// <param name="trustedRootKey">The root key; <see cref="WhatsAppRootKey"/> for the real service, the sandbox's key in tests.</param>
    /// <param name="time">Clock for the validity windows (default: the system clock).</param>
    public NoiseCertificateVerifier(ReadOnlySpan<byte> trustedRootKey, TimeProvider? time = null)
    {
        if (trustedRootKey.Length != Curve25519.KeyLength)
        {
            throw new ArgumentException($"The trusted root key has length {trustedRootKey.Length} (expected 32).", nameof(trustedRootKey));
        }

        _trustedRoot = trustedRootKey.ToArray();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>WhatsApp's real Noise root public key (142375574d0a…8ee6b).</summary>
    public static ReadOnlySpan<byte> WhatsAppRootKey =>
    [
        0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
        0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
    ];

    /// <summary>A verifier trusting WhatsApp's real root.</summary>
    public static NoiseCertificateVerifier ForWhatsApp(TimeProvider? time = null) => new(WhatsAppRootKey, time);

    /// <summary>Verifies a serialized CertChain for the decrypted server static key <paramref name="serverStaticKey"/>.</summary>
    /// <exception cref="NoiseHandshakeException">Any check fails; the message says which.</exception>
    public void Verify(ReadOnlySpan<byte> certificateChain, ReadOnlySpan<byte> serverStaticKey)
    {
        var chain = Parse(CertChain.Parser, certificateChain, "certificate chain");
        var intermediate = chain.Intermediate ?? throw Fail("the chain has no intermediate certificate");
        var leaf = chain.Leaf ?? throw Fail("the chain has no leaf certificate");
        RequireSignature(intermediate, "intermediate");
        RequireSignature(leaf, "leaf");

        if (!Curve25519.Verify(_trustedRoot, intermediate.Details.Span, intermediate.Signature.Span))
        {
            throw Fail("the intermediate certificate's signature does not verify with the trusted root key");
        }

        var intermediateDetails = Parse(Details.Parser, intermediate.Details.Span, "intermediate certificate details");
        if (intermediateDetails.IssuerSerial != RootSerial)
        {
            throw Fail($"the intermediate certificate's issuer serial is {intermediateDetails.IssuerSerial} (expected {RootSerial})");
        }

        if (intermediateDetails.Key.Length != Curve25519.KeyLength)
        {
            throw Fail($"the intermediate certificate's key has length {intermediateDetails.Key.Length} (expected 32)");
        }

        if (!Curve25519.Verify(intermediateDetails.Key.Span, leaf.Details.Span, leaf.Signature.Span))
        {
            throw Fail("the leaf certificate's signature does not verify with the intermediate key");
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        CheckValidity(intermediateDetails, now, "intermediate");

        var leafDetails = Parse(Details.Parser, leaf.Details.Span, "leaf certificate details");
        if (leafDetails.IssuerSerial != intermediateDetails.Serial)
        {
            throw Fail($"the leaf certificate's issuer serial is {leafDetails.IssuerSerial} (expected the intermediate serial {intermediateDetails.Serial})");
        }

        if (!leafDetails.Key.Span.SequenceEqual(serverStaticKey))
        {
            throw Fail($"the leaf certificate's key {Convert.ToHexStringLower(leafDetails.Key.Span)} is not the server's static key {Convert.ToHexStringLower(serverStaticKey)}");
        }

        CheckValidity(leafDetails, now, "leaf");
    }

    private static void RequireSignature(CertChain.Types.NoiseCertificate certificate, string which)
    {
        if (!certificate.HasDetails)
        {
            throw Fail($"the {which} certificate has no details");
        }

        if (certificate.Signature.Length != Curve25519.SignatureLength)
        {
            throw Fail($"the {which} certificate's signature has length {certificate.Signature.Length} (expected 64)");
        }
    }

    private static void CheckValidity(Details details, long now, string which)
    {
        if (now < 0 || (ulong)now < details.NotBefore)
        {
            throw Fail($"the {which} certificate is not valid yet (not before {details.NotBefore}, now {now})");
        }

        if ((ulong)now > details.NotAfter)
        {
            throw Fail($"the {which} certificate has expired (not after {details.NotAfter}, now {now})");
        }
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, string what)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new NoiseHandshakeException($"Server certificate check failed: the {what} is not valid protobuf ({ex.Message}).", ex);
        }
    }

    private static NoiseHandshakeException Fail(string check) => new($"Server certificate check failed: {check}.");
}
