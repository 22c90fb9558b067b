using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Transport;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Noise;

/// <summary>Interop 2: our client against a responder built from Baileys' helpers (tests/interop/noise-node-server.mjs).</summary>
public class NoiseNodeServerInteropTests
{
    private static readonly int[] Sizes = [0, 1, 1024, 65_536, 70_000, 150_000];

    [Fact]
    public async Task Client_completes_the_handshake_with_the_node_server_and_frames_cross_both_ways()
    {
        await using var node = NodeProcess.Start("noise-node-server.mjs");
        var started = await node.CallAsync(new JsonObject { ["op"] = "start" });
        var clientStatic = Curve25519.GenerateKeyPair();
        var client = new NoiseClientHandshake(clientStatic, new NoiseCertificateVerifier(Bytes(started["rootPub"])));

        var hello = await node.CallAsync(new JsonObject { ["op"] = "clientHello", ["message"] = Hex(FrameCodec.Encode(client.CreateClientHello(), ConnectionHeader.BuildIntro())) });
        using var decoder = new FrameDecoder();
        decoder.Append(Bytes(hello["message"]));
        Assert.True(decoder.TryReadFrame(out var serverHello));
        client.ReadServerHello(serverHello);
        Assert.Equal(started["serverStatic"]!.GetValue<string>(), Hex(client.ServerStaticKey!));

        var payload = "a client payload"u8.ToArray();
        var finished = await node.CallAsync(new JsonObject { ["op"] = "clientFinish", ["message"] = Hex(FrameCodec.Encode(client.CreateClientFinish(payload))) });
        Assert.Equal(Hex(clientStatic.PublicKey), finished["clientStatic"]!.GetValue<string>());
        Assert.Equal(Hex(payload), finished["payload"]!.GetValue<string>());
        using var transport = client.Split();

        var sizes = new JsonArray();
        foreach (var size in Sizes)
        {
            sizes.Add(size);
        }

        var fromNode = await node.CallAsync(new JsonObject { ["op"] = "encodeFrames", ["sizes"] = sizes });
        decoder.Append(Bytes(fromNode["message"]));
        foreach (var expected in fromNode["plaintexts"]!.AsArray())
        {
            Assert.True(decoder.TryReadFrame(out var frame));
            Assert.Equal(expected!.GetValue<string>(), Hex(transport.Decrypt(frame)));
        }

        var stream = new List<byte>();
        var sent = new List<string>();
        foreach (var size in Sizes)
        {
            var plaintext = new byte[size];
            Random.Shared.NextBytes(plaintext);
            sent.Add(Hex(plaintext));
            stream.AddRange(FrameCodec.Encode(transport.Encrypt(plaintext)));
        }

        var received = (await node.CallAsync(new JsonObject { ["op"] = "receive", ["message"] = Hex(stream.ToArray()) }))["plaintexts"]!.AsArray();
        Assert.Equal(sent, received.Select(x => x!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task Client_refuses_the_node_server_when_its_chain_is_signed_by_another_root()
    {
        await using var node = NodeProcess.Start("noise-node-server.mjs");
        var started = await node.CallAsync(new JsonObject { ["op"] = "start", ["wrongRoot"] = true });
        var client = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), new NoiseCertificateVerifier(Bytes(started["rootPub"])));
        var hello = await node.CallAsync(new JsonObject { ["op"] = "clientHello", ["message"] = Hex(FrameCodec.Encode(client.CreateClientHello(), ConnectionHeader.BuildIntro())) });
        using var decoder = new FrameDecoder();
        decoder.Append(Bytes(hello["message"]));
        Assert.True(decoder.TryReadFrame(out var serverHello));

        var ex = Assert.Throws<NoiseHandshakeException>(() => client.ReadServerHello(serverHello));
        Assert.Equal("Server certificate check failed: the intermediate certificate's signature does not verify with the trusted root key.", ex.Message);
    }

    [Fact]
    public async Task Client_refuses_the_node_server_under_the_real_whatsapp_root()
    {
        await using var node = NodeProcess.Start("noise-node-server.mjs");
        await node.CallAsync(new JsonObject { ["op"] = "start" });
        var client = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), NoiseCertificateVerifier.ForWhatsApp());
        var hello = await node.CallAsync(new JsonObject { ["op"] = "clientHello", ["message"] = Hex(FrameCodec.Encode(client.CreateClientHello(), ConnectionHeader.BuildIntro())) });
        using var decoder = new FrameDecoder();
        decoder.Append(Bytes(hello["message"]));
        Assert.True(decoder.TryReadFrame(out var serverHello));
        Assert.Throws<NoiseHandshakeException>(() => client.ReadServerHello(serverHello));
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Bytes(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());
}
