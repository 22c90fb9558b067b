using BenchmarkDotNet.Attributes;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Sandbox.Noise;

namespace WaEngine.Bench;

/// <summary>A complete handshake, both roles in one process, including certificate verification.</summary>
[MemoryDiagnoser]
public class NoiseHandshakeBenchmarks
{
    private KeyPair _serverStatic = null!;
    private KeyPair _clientStatic = null!;
    private byte[] _chain = [];
    private NoiseCertificateVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        var authority = NoiseCertificateAuthority.CreateRandom();
        _serverStatic = Curve25519.GenerateKeyPair();
        _clientStatic = Curve25519.GenerateKeyPair();
        _chain = authority.IssueChain(_serverStatic.PublicKey);
        _verifier = new NoiseCertificateVerifier(authority.RootPublicKey);
    }

    [Benchmark(Description = "full handshake (client+server)")]
    public long FullHandshake()
    {
        var client = new NoiseClientHandshake(_clientStatic, _verifier);
        var server = new NoiseServerHandshake(_serverStatic, _chain);
        server.ReadClientHello(client.CreateClientHello());
        client.ReadServerHello(server.CreateServerHello());
        server.ReadClientFinish(client.CreateClientFinish(new byte[200]));
        using var clientTransport = client.Split();
        using var serverTransport = server.Split();
        return clientTransport.SendCount + serverTransport.ReceiveCount;
    }
}
