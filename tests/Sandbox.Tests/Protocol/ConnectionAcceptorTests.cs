using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Transport;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Protocol;

public class ConnectionAcceptorTests
{
    [Fact]
    public async Task A_payload_that_is_not_a_client_payload_ends_with_stream_error_400()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        await using var client = await InMemoryClient.ConnectAsync(sandbox, [0xFF, 0xFF, 0xFF]);
        var error = await client.ReceiveAsync();

        Assert.Equal("stream:error", error.Tag);
        Assert.Equal("400", error.Attr("code"));
        Assert.Equal("bad-request", error.FirstChild()?.Tag);
        await client.Served.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_connection_after_the_network_stopped_is_closed_before_the_handshake()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Runtime.Network.CloseAllAsync();

        var (clientFrames, serverFrames) = InMemoryFrameTransport.CreatePair();
        await sandbox.Runtime.Network.RunConnectionAsync(serverFrames, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var handshake = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), new NoiseCertificateVerifier(sandbox.Runtime.RootKey.PublicKey));

        await Assert.ThrowsAsync<TransportClosedException>(() =>
            NoiseHandshakeDriver.RunClientAsync(clientFrames, handshake, InMemoryClient.RegistrationPayload(), InMemoryClient.Timeout()));
        Assert.Null(handshake.ServerStaticKey);
    }
}
