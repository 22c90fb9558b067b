using System.Net.WebSockets;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Transport;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Protocol;

public class MalformedInputTests
{
    [Fact]
    public async Task Malformed_frames_and_stanzas_end_only_their_own_connection()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var info = await sandbox.GetJsonAsync("/sandbox/info");
        var url = new Uri(info["ws_url"]!.GetValue<string>());
        var root = Convert.FromBase64String(info["root_public_key"]!.GetValue<string>());

        await using var healthy = await RegisterAsync(url, root);
        Assert.Equal("pair-device", BinaryDecoder.Decode(await healthy.ReceiveAsync(Timeout())).FirstChild()?.Tag);

        var random = new Random(20261121);
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < 150; i++)
        {
            var outcome = (i % 3) switch
            {
                0 => await GarbageBeforeHandshakeAsync(url, random),
                1 => await GarbagePlaintextAsync(url, root, random),
                _ => await UndecryptableFrameAsync(url, root, random),
            };
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.Equal(50, outcomes.GetValueOrDefault("closed"));
        Assert.Equal(100, outcomes.GetValueOrDefault("stream-error") + outcomes.GetValueOrDefault("answered"));
        Assert.True(outcomes.GetValueOrDefault("stream-error") >= 90, string.Join(", ", outcomes));

        // The connection that behaved is still served, and new ones still pair.
        var query = new Node("iq", NodeAttributes.Of(("id", "still-there"), ("type", "get"), ("xmlns", "w:p"), ("to", "@s.whatsapp.net")), [new Node("ping")]);
        await healthy.SendAsync(BinaryEncoder.Encode(query), Timeout());
        var answer = BinaryDecoder.Decode(await healthy.ReceiveAsync(Timeout()));
        Assert.Equal("still-there", answer.Attr("id"));
        await using var fresh = await RegisterAsync(url, root);
        Assert.Equal("pair-device", BinaryDecoder.Decode(await fresh.ReceiveAsync(Timeout())).FirstChild()?.Tag);
    }

    /// <summary>A websocket whose upgrade carries WhatsApp Web's origin, as the strict sandbox requires (R10).</summary>
    private static ClientWebSocket NewSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://web.whatsapp.com");
        return socket;
    }

    private static async Task<string> GarbageBeforeHandshakeAsync(Uri url, Random random)
    {
        using var socket = NewSocket();
        await socket.ConnectAsync(url, Timeout());
        var garbage = new byte[random.Next(8, 400)];
        random.NextBytes(garbage);
        garbage[0] = (byte)random.Next(0x00, 0x40);
        await socket.SendAsync(garbage, WebSocketMessageType.Binary, true, Timeout());
        var buffer = new byte[1024];
        try
        {
            var result = await socket.ReceiveAsync(buffer, Timeout());
            return result.MessageType == WebSocketMessageType.Close ? "closed" : "unexpected data";
        }
        catch (WebSocketException)
        {
            return "closed";
        }
    }

    private static async Task<string> GarbagePlaintextAsync(Uri url, byte[] root, Random random)
    {
        await using var connection = await RegisterAsync(url, root);
        await connection.ReceiveAsync(Timeout());
        var garbage = new byte[random.Next(1, 300)];
        random.NextBytes(garbage);
        garbage[0] = 0;
        await connection.SendAsync(garbage, Timeout());
        return await OutcomeAsync(connection);
    }

    private static async Task<string> UndecryptableFrameAsync(Uri url, byte[] root, Random random)
    {
        using var socket = NewSocket();
        await socket.ConnectAsync(url, Timeout());
        var frames = WebSocketFrameTransport.ForClient(socket);
        var connection = await Handshake(frames, root);
        await using (connection)
        {
            await connection.ReceiveAsync(Timeout());
            var junk = new byte[random.Next(17, 200)];
            random.NextBytes(junk);
            await frames.SendFrameAsync(junk, Timeout());
            return await OutcomeAsync(connection);
        }
    }

    private static async Task<string> OutcomeAsync(NoiseConnection connection)
    {
        try
        {
            var node = BinaryDecoder.Decode(await connection.ReceiveAsync(Timeout()));
            return node.Tag == "stream:error" ? "stream-error" : "answered";
        }
        catch (Exception ex) when (ex is TransportClosedException or NoiseTransportException)
        {
            // The server could not encrypt its goodbye for a peer whose frames broke its cipher: a plain close.
            return "stream-error";
        }
    }

    private static async Task<NoiseConnection> RegisterAsync(Uri url, byte[] root)
    {
        var socket = NewSocket();
        await socket.ConnectAsync(url, Timeout());
        return await Handshake(WebSocketFrameTransport.ForClient(socket), root);
    }

    private static Task<NoiseConnection> Handshake(IFrameTransport frames, byte[] root)
    {
        var identity = Curve25519.GenerateKeyPair();
        var signedPreKey = Curve25519.GenerateKeyPair();
        var payload = new ClientPayloadBuilder(new ClientPayloadOptions()).BuildRegistration(new ClientPayloadRegistration(
            1234, identity.PublicKey, 1, signedPreKey.PublicKey, Curve25519.Sign(identity.PrivateKey, signedPreKey.SignalPublicKey)));
        var handshake = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), new NoiseCertificateVerifier(root));
        return NoiseHandshakeDriver.RunClientAsync(frames, handshake, payload.ToByteArray(), Timeout());
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;
}
