using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Sandbox.Noise;

namespace WaEngine.Engine.Tests.Noise;

/// <summary>The engine's certificate-chain check; the sandbox's certificate authority issues the chains, good and bad.</summary>
public class NoiseCertificateTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> BadChains => new()
    {
        { "wrong-root", "the intermediate certificate's signature does not verify with the trusted root key" },
        { "expired-leaf", "the leaf certificate has expired (not after 1768478399, now 1768478400)" },
        { "future-leaf", "the leaf certificate is not valid yet" },
        { "expired-intermediate", "the intermediate certificate has expired" },
        { "leaf-key", "the leaf certificate's key" },
        { "intermediate-issuer", "the intermediate certificate's issuer serial is 7 (expected 0)" },
        { "leaf-issuer", "the leaf certificate's issuer serial is 9 (expected the intermediate serial 1)" },
    };

    [Fact]
    public void A_valid_chain_passes()
    {
        var (verifier, authority, serverStatic) = Setup();
        verifier.Verify(authority.IssueChain(serverStatic.PublicKey), serverStatic.PublicKey);
    }

    [Theory]
    [MemberData(nameof(BadChains))]
    public void Each_bad_chain_is_refused_by_the_handshake_with_its_reason(string kind, string reason)
    {
        var (verifier, authority, serverStatic) = Setup();
        var options = new NoiseChainOptions();
        var issuer = authority;
        switch (kind)
        {
            case "wrong-root":
                issuer = NoiseCertificateAuthority.CreateRandom();
                break;
            case "expired-leaf":
                options = options with { LeafNotAfter = Now.AddSeconds(-1) };
                break;
            case "future-leaf":
                options = options with { LeafNotBefore = Now.AddDays(1) };
                break;
            case "expired-intermediate":
                options = options with { IntermediateNotAfter = Now.AddDays(-1) };
                break;
            case "leaf-key":
                options = options with { LeafKeyOverride = Curve25519.GenerateKeyPair().PublicKey };
                break;
            case "intermediate-issuer":
                options = options with { IntermediateIssuerSerial = 7 };
                break;
            case "leaf-issuer":
                options = options with { LeafIssuerSerial = 9 };
                break;
        }

        var client = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), verifier);
        var server = new NoiseServerHandshake(serverStatic, issuer.IssueChain(serverStatic.PublicKey, options));
        server.ReadClientHello(client.CreateClientHello());
        var ex = Assert.Throws<NoiseHandshakeException>(() => client.ReadServerHello(server.CreateServerHello()));
        Assert.StartsWith("Server certificate check failed: " + reason, ex.Message);
        Assert.Null(client.ServerStaticKey);
    }

    [Fact]
    public void A_signature_of_the_wrong_length_is_named()
    {
        var (verifier, authority, serverStatic) = Setup();
        var chain = WaEngine.Proto.CertChain.Parser.ParseFrom(authority.IssueChain(serverStatic.PublicKey));
        chain.Leaf.Signature = Google.Protobuf.ByteString.CopyFrom(new byte[63]);
        var ex = Assert.Throws<NoiseHandshakeException>(() => verifier.Verify(Google.Protobuf.MessageExtensions.ToByteArray(chain), serverStatic.PublicKey));
        Assert.Equal("Server certificate check failed: the leaf certificate's signature has length 63 (expected 64).", ex.Message);
    }

    [Fact]
    public void Garbage_instead_of_a_chain_is_refused()
    {
        var (verifier, _, serverStatic) = Setup();
        var ex = Assert.Throws<NoiseHandshakeException>(() => verifier.Verify([0xFF, 0xFF, 0xFF], serverStatic.PublicKey));
        Assert.Contains("not valid protobuf", ex.Message);
    }

    private static (NoiseCertificateVerifier, NoiseCertificateAuthority, KeyPair) Setup()
    {
        var authority = NoiseCertificateAuthority.CreateRandom();
        return (new NoiseCertificateVerifier(authority.RootPublicKey, new FixedTimeProvider(Now)), authority, Curve25519.GenerateKeyPair());
    }
}
