using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Transport;
using WaEngine.Proto;
using WaEngine.Sandbox.Noise;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Noise;

/// <summary>Interop 1: the unmodified Baileys noise handler as client against our server role (tests/interop/noise-baileys-client.mjs).</summary>
public class NoiseBaileysClientInteropTests
{
    private static readonly int[] Sizes = [0, 1, 1000, 65_535, 65_536, 70_000, 200_000];

    [Theory]
    [InlineData(null)]
    [InlineData("0a0b0c")]
    public async Task Baileys_client_completes_the_handshake_and_frames_cross_both_ways(string? routingInfo)
    {
        var authority = NoiseCertificateAuthority.CreateRandom();
        var serverStatic = Curve25519.GenerateKeyPair();
        var server = new NoiseServerHandshake(serverStatic, authority.IssueChain(serverStatic.PublicKey));
        await using var baileys = NodeProcess.Start("noise-baileys-client.mjs");

        var start = new JsonObject { ["op"] = "start", ["rootPub"] = Hex(authority.RootPublicKey) };
        if (routingInfo is not null)
        {
            start["routingInfo"] = routingInfo;
        }

        var started = await baileys.CallAsync(start);
        using var decoder = new FrameDecoder(expectIntro: true);
        decoder.Append(Bytes(started["message"]));
        Assert.True(decoder.TryReadFrame(out var clientHello));
        Assert.Equal(0, decoder.BufferedLength);
        server.ReadClientHello(clientHello);

        var finished = await baileys.CallAsync(new JsonObject { ["op"] = "serverHello", ["message"] = Hex(FrameCodec.Encode(server.CreateServerHello())) });
        decoder.Append(Bytes(finished["message"]));
        Assert.True(decoder.TryReadFrame(out var clientFinish));
        var finish = server.ReadClientFinish(clientFinish);
        using var transport = server.Split();

        Assert.Equal(Hex(Bytes(started["noisePub"])), Hex(finish.ClientStaticKey));
        Assert.Equal(Hex(Bytes(finished["payload"])), Hex(finish.Payload));
        var payload = ClientPayload.Parser.ParseFrom(finish.Payload);
        Assert.False(payload.Passive);
        Assert.Equal(1043857760u, payload.UserAgent.AppVersion.Tertiary);
        Assert.Equal(32, payload.DevicePairingData.EIdent.Length);

        var fromBaileys = await baileys.CallAsync(new JsonObject { ["op"] = "encodeFrames", ["sizes"] = SizesJson() });
        decoder.Append(Bytes(fromBaileys["message"]));
        var plaintexts = fromBaileys["plaintexts"]!.AsArray();
        foreach (var expected in plaintexts)
        {
            Assert.True(decoder.TryReadFrame(out var frame));
            Assert.Equal(expected!.GetValue<string>(), Hex(transport.Decrypt(frame)));
        }

        Assert.Equal(0, decoder.BufferedLength);

        var nodes = (await baileys.CallAsync(new JsonObject { ["op"] = "nodes", ["sizes"] = SizesJson() }))["plaintexts"]!.AsArray();
        var stream = new List<byte>();
        foreach (var node in nodes)
        {
            stream.AddRange(FrameCodec.Encode(transport.Encrypt(Bytes(node))));
        }

        var chunks = new JsonArray();
        var random = new Random(5);
        var bytes = stream.ToArray();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = Math.Min(bytes.Length - offset, random.Next(1, 90_000));
            chunks.Add(Hex(bytes.AsSpan(offset, length)));
            offset += length;
        }

        var received = (await baileys.CallAsync(new JsonObject { ["op"] = "receive", ["chunks"] = chunks }))["nodes"]!.AsArray();
        Assert.Equal(Sizes.Length, received.Count);
        for (var i = 0; i < Sizes.Length; i++)
        {
            Assert.Equal("message", received[i]!["tag"]!.GetValue<string>());
            Assert.Equal($"n{i}", received[i]!["id"]!.GetValue<string>());
            Assert.Equal(Sizes[i] * 2, received[i]!["content"]!.GetValue<string>().Length);
            Assert.EndsWith(received[i]!["content"]!.GetValue<string>(), Hex(Bytes(nodes[i])));
        }
    }

    [Fact]
    public async Task Baileys_refuses_an_intermediate_whose_issuer_serial_is_not_zero()
    {
        var reply = await ServerHelloToBaileysAsync(trustedByBaileys: true, new NoiseChainOptions { IntermediateIssuerSerial = 7 });
        var ex = await Assert.ThrowsAsync<NodePeerException>(reply);
        Assert.Contains("certification match failed", ex.Message);
    }

    /// <summary>
    /// Observed weakness of Baileys 7.0.0-rc14: its Curve.verify returns true unless libsignal throws, but
    /// libsignal's verifySignature returns false for a bad signature instead of throwing, so the noise
    /// certificate signatures are never really checked. Our verifier does check them (NoiseCertificateTests).
    /// If Baileys fixes this, this test fails and should become a refusal test.
    /// </summary>
    [Fact]
    public async Task Baileys_accepts_a_chain_from_a_root_it_does_not_trust()
    {
        var reply = await ServerHelloToBaileysAsync(trustedByBaileys: false, new NoiseChainOptions());
        var answer = await reply();
        Assert.NotNull(answer["message"]);
    }

    private static async Task<Func<Task<JsonNode>>> ServerHelloToBaileysAsync(bool trustedByBaileys, NoiseChainOptions options)
    {
        var authority = NoiseCertificateAuthority.CreateRandom();
        var serverStatic = Curve25519.GenerateKeyPair();
        var server = new NoiseServerHandshake(serverStatic, authority.IssueChain(serverStatic.PublicKey, options));
        var baileys = NodeProcess.Start("noise-baileys-client.mjs");
        var root = trustedByBaileys ? authority.RootPublicKey : NoiseCertificateAuthority.CreateRandom().RootPublicKey;
        var started = await baileys.CallAsync(new JsonObject { ["op"] = "start", ["rootPub"] = Hex(root) });
        using var decoder = new FrameDecoder(expectIntro: true);
        decoder.Append(Bytes(started["message"]));
        Assert.True(decoder.TryReadFrame(out var clientHello));
        server.ReadClientHello(clientHello);
        var serverHello = Hex(FrameCodec.Encode(server.CreateServerHello()));
        return async () =>
        {
            await using (baileys)
            {
                return await baileys.CallAsync(new JsonObject { ["op"] = "serverHello", ["message"] = serverHello });
            }
        };
    }

    private static JsonArray SizesJson()
    {
        var array = new JsonArray();
        foreach (var size in Sizes)
        {
            array.Add(size);
        }

        return array;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Bytes(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());
}
