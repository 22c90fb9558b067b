using BenchmarkDotNet.Attributes;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Sandbox.Noise;

namespace WaEngine.Bench;

/// <summary>Encrypt + decrypt of one transport frame: the same pair bench/noise-baileys.mjs times in Baileys.</summary>
[MemoryDiagnoser]
public class NoiseTransportBenchmarks
{
    private NoiseTransport _client = null!;
    private NoiseTransport _server = null!;
    private byte[] _plaintext = [];
    private NoiseCertificateAuthority _authority = null!;
    private KeyPair _serverStatic = null!;
    private KeyPair _clientStatic = null!;
    private byte[] _chain = [];
    private NoiseCertificateVerifier _verifier = null!;

    /// <summary>Frame size in bytes.</summary>
    [Params(1024, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _authority = NoiseCertificateAuthority.CreateRandom();
        _serverStatic = Curve25519.GenerateKeyPair();
        _clientStatic = Curve25519.GenerateKeyPair();
        _chain = _authority.IssueChain(_serverStatic.PublicKey);
        _verifier = new NoiseCertificateVerifier(_authority.RootPublicKey);
        (_client, _server) = Handshake();
        _plaintext = new byte[Size];
        Random.Shared.NextBytes(_plaintext);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Benchmark(Description = "encrypt+decrypt one frame")]
    public int EncryptDecrypt() => _server.Decrypt(_client.Encrypt(_plaintext)).Length;

    private (NoiseTransport Client, NoiseTransport Server) Handshake()
    {
        var client = new NoiseClientHandshake(_clientStatic, _verifier);
        var server = new NoiseServerHandshake(_serverStatic, _chain);
        server.ReadClientHello(client.CreateClientHello());
        client.ReadServerHello(server.CreateServerHello());
        server.ReadClientFinish(client.CreateClientFinish(new byte[200]));
        return (client.Split(), server.Split());
    }
}
