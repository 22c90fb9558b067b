using WaEngine.TestKit;
using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Transport;
using WaEngine.Proto;
using WaEngine.Sandbox.Noise;

namespace WaEngine.Engine.Tests.Noise;

/// <summary>The engine's client handshake against the sandbox's server role (responder and certificate authority).</summary>
public class NoiseHandshakeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public async Task Client_and_server_agree_and_exchange_frames_both_ways(int? splitSeed)
    {
        var authority = NoiseCertificateAuthority.CreateRandom();
        var serverStatic = Curve25519.GenerateKeyPair();
        var clientStatic = Curve25519.GenerateKeyPair();
        var (clientFrames, serverFrames) = InMemoryFrameTransport.CreatePair(splitSeed);
        var payload = "client payload bytes"u8.ToArray();

        var client = new NoiseClientHandshake(clientStatic, new NoiseCertificateVerifier(authority.RootPublicKey, new FixedTimeProvider(Now)));
        var server = new NoiseServerHandshake(serverStatic, authority.IssueChain(serverStatic.PublicKey));
        var serverTask = server.RunAsync(serverFrames, CancellationToken.None);
        await using var clientConnection = await NoiseHandshakeDriver.RunClientAsync(clientFrames, client, payload, CancellationToken.None);
        var (serverConnection, finish) = await serverTask;
        await using var serverConnectionScope = serverConnection;

        Assert.Equal(clientStatic.PublicKey, finish.ClientStaticKey);
        Assert.Equal(payload, finish.Payload);
        Assert.Equal(serverStatic.PublicKey, client.ServerStaticKey);

        int[] sizes = [0, 1, 1024, 65_536, 300_000];
        foreach (var size in sizes)
        {
            await clientConnection.SendAsync(Payload(size), CancellationToken.None);
            await serverConnection.SendAsync(Payload(size + 7), CancellationToken.None);
        }

        foreach (var size in sizes)
        {
            Assert.Equal(Payload(size), await serverConnection.ReceiveAsync(CancellationToken.None));
            Assert.Equal(Payload(size + 7), await clientConnection.ReceiveAsync(CancellationToken.None));
        }

        Assert.Equal(sizes.Length, clientConnection.Cipher.SendCount);
        Assert.Equal(sizes.Length, serverConnection.Cipher.ReceiveCount);
    }

    [Fact]
    public void Transport_refuses_an_altered_frame_and_a_replayed_one()
    {
        var (client, server) = Handshake();
        var frame = client.Encrypt("hello"u8);
        var altered = (byte[])frame.Clone();
        altered[0] ^= 1;
        var ex = Assert.Throws<NoiseTransportException>(() => server.Decrypt(altered));
        Assert.Contains("Frame 0 (21 bytes) failed AES-GCM authentication", ex.Message);

        var (client2, server2) = Handshake();
        var first = client2.Encrypt("one"u8);
        Assert.Equal("one"u8.ToArray(), server2.Decrypt(first));
        Assert.Throws<NoiseTransportException>(() => server2.Decrypt(first));
        Assert.Throws<NoiseTransportException>(() => server2.Decrypt(new byte[15]));
    }

    [Fact]
    public void Both_directions_use_distinct_keys()
    {
        var (client, server) = Handshake();
        var fromClient = client.Encrypt(new byte[32]);
        var fromServer = server.Encrypt(new byte[32]);
        Assert.NotEqual(fromClient, fromServer);
        Assert.Equal(new byte[32], server.Decrypt(fromClient));
        Assert.Equal(new byte[32], client.Decrypt(fromServer));
    }

    [Fact]
    public void A_tampered_server_hello_is_refused()
    {
        var authority = NoiseCertificateAuthority.CreateRandom();
        var serverStatic = Curve25519.GenerateKeyPair();
        var client = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), new NoiseCertificateVerifier(authority.RootPublicKey, new FixedTimeProvider(Now)));
        var server = new NoiseServerHandshake(serverStatic, authority.IssueChain(serverStatic.PublicKey));
        server.ReadClientHello(client.CreateClientHello());
        var hello = HandshakeMessage.Parser.ParseFrom(server.CreateServerHello());
        var payload = hello.ServerHello.Payload.ToByteArray();
        payload[10] ^= 0x40;
        hello.ServerHello.Payload = ByteString.CopyFrom(payload);

        var ex = Assert.Throws<NoiseHandshakeException>(() => client.ReadServerHello(hello.ToByteArray()));
        Assert.StartsWith("The server certificate payload does not decrypt", ex.Message);
    }

    [Fact]
    public void Steps_out_of_order_are_refused()
    {
        var client = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), NoiseCertificateVerifier.ForWhatsApp());
        var ex = Assert.Throws<NoiseHandshakeException>(() => client.CreateClientFinish([]));
        Assert.Contains("out of order", ex.Message);
    }

    [Fact]
    public void The_real_whatsapp_root_is_the_default_published_key()
    {
        Assert.Equal("142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b", Convert.ToHexStringLower(NoiseCertificateVerifier.WhatsAppRootKey));
    }

    internal static (NoiseTransport Client, NoiseTransport Server) Handshake()
    {
        var authority = NoiseCertificateAuthority.CreateRandom();
        var serverStatic = Curve25519.GenerateKeyPair();
        var client = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), new NoiseCertificateVerifier(authority.RootPublicKey, new FixedTimeProvider(Now)));
        var server = new NoiseServerHandshake(serverStatic, authority.IssueChain(serverStatic.PublicKey));
        server.ReadClientHello(client.CreateClientHello());
        client.ReadServerHello(server.CreateServerHello());
        server.ReadClientFinish(client.CreateClientFinish([1, 2, 3]));
        return (client.Split(), server.Split());
    }

    private static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }
}
