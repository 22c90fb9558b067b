using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Proto;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Protocol;

/// <summary>A client connected to a running sandbox's network over the in-memory transport (no socket), with the engine's client handshake.</summary>
internal sealed class InMemoryClient : IAsyncDisposable
{
    private InMemoryClient(NoiseConnection connection, Task served)
    {
        Connection = connection;
        Served = served;
    }

    public NoiseConnection Connection { get; }

    /// <summary>The sandbox serving this connection; completes when the sandbox lets go of it.</summary>
    public Task Served { get; }

    /// <summary>A new device's registration payload (fresh identity and signed prekey).</summary>
    public static byte[] RegistrationPayload()
    {
        var identity = Curve25519.GenerateKeyPair();
        var signedPreKey = Curve25519.GenerateKeyPair();
        return new ClientPayloadBuilder(new ClientPayloadOptions()).BuildRegistration(new ClientPayloadRegistration(
            1234, identity.PublicKey, 1, signedPreKey.PublicKey, Curve25519.Sign(identity.PrivateKey, signedPreKey.SignalPublicKey))).ToByteArray();
    }

    /// <summary>A login payload for <paramref name="phone"/>'s device <paramref name="device"/>.</summary>
    public static byte[] LoginPayload(ulong phone, uint device) => new ClientPayloadBuilder(new ClientPayloadOptions()).BuildLogin(phone, device).ToByteArray();

    /// <summary>Opens a connection, runs the handshake with <paramref name="payload"/> as the client's payload.</summary>
    public static async Task<InMemoryClient> ConnectAsync(RunningSandbox sandbox, byte[] payload, KeyPair? noiseKey = null)
    {
        var (clientFrames, serverFrames) = InMemoryFrameTransport.CreatePair();
        var served = sandbox.Runtime.Network.RunConnectionAsync(serverFrames, CancellationToken.None);
        var handshake = new NoiseClientHandshake(noiseKey ?? Curve25519.GenerateKeyPair(), new NoiseCertificateVerifier(sandbox.Runtime.RootKey.PublicKey));
        var connection = await NoiseHandshakeDriver.RunClientAsync(clientFrames, handshake, payload, Timeout());
        return new InMemoryClient(connection, served);
    }

    /// <summary>The next stanza the sandbox sends.</summary>
    public async Task<Node> ReceiveAsync() => BinaryDecoder.Decode(await Connection.ReceiveAsync(Timeout()));

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    /// <summary>Ten seconds, the limit of every wait in these tests.</summary>
    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;
}
