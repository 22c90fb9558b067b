using System.Net.WebSockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Events;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Transport;
using WaEngine.Proto;
using WaEngine.Sandbox.Noise;
using WaEngine.Sandbox.Pairing;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>
/// A tiny fake server (real Noise over a loopback websocket, the sandbox's server role and pair-success builder) that sends a pair-success the line must refuse:
/// an HMAC keyed by another ADV secret, or an account signature over another identity key.
/// </summary>
public sealed class ForgedPairSuccessTests
{
    [Theory]
    [InlineData(true, "hmac-mismatch")]
    [InlineData(false, "signature-mismatch")]
    public async Task AForgedPairSuccessIsRefusedAndNothingIsStored(bool wrongAdvSecret, string expectedText)
    {
        using var folder = new TempFolder();
        var authority = NoiseCertificateAuthority.CreateRandom();
        var serverKey = Curve25519.GenerateKeyPair();
        var qrShown = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reply = new TaskCompletionSource<Node>(TaskCreationOptions.RunContinuationsAsynchronously);

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var frames = WebSocketFrameTransport.ForServer(socket);
            var (connection, finish) = await new NoiseServerHandshake(serverKey, authority.IssueChain(serverKey.PublicKey)).RunAsync(frames, context.RequestAborted);
            var companionIdentity = ClientPayload.Parser.ParseFrom(finish.Payload).DevicePairingData.EIdent.ToByteArray();
            await SendAsync(connection, new Node("iq", NodeAttributes.Of(("from", "@s.whatsapp.net"), ("type", "set"), ("id", "s1"), ("xmlns", "md")),
                [new Node("pair-device", null, [new Node("ref", null, "2@forged"u8.ToArray())])]));
            var qr = QrPairingData.Parse(await qrShown.Task);
            var advSecret = wrongAdvSecret ? Curve25519.GenerateKeyPair().PublicKey : qr.AdvSecret;
            var signedIdentity = wrongAdvSecret ? companionIdentity : Curve25519.GenerateKeyPair().PublicKey;
            var identity = PrimaryAdvIdentity.CreatePairSuccess(Curve25519.GenerateKeyPair(), signedIdentity, advSecret, 1, DateTimeOffset.UtcNow);
            await SendAsync(connection, new Node("iq", NodeAttributes.Of(("from", "@s.whatsapp.net"), ("type", "set"), ("id", "s2")), [
                new Node("pair-success", null, [
                    new Node("device-identity", NodeAttributes.Of(("key-index", "1")), identity),
                    new Node("platform", NodeAttributes.Of(("name", "android"))),
                    new Node("device", NodeAttributes.Of(("jid", "15550009999:1@s.whatsapp.net"), ("lid", "100000000000009:1@lid"))),
                ]),
            ]));
            try
            {
                while (true)
                {
                    var node = BinaryDecoder.Decode(await connection.ReceiveAsync(context.RequestAborted));
                    if (node.Attr("id") == "s2")
                    {
                        reply.TrySetResult(node);
                    }
                }
            }
            catch (Exception ex) when (ex is TransportClosedException or WebSocketException or OperationCanceledException)
            {
                reply.TrySetException(ex);
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        await using var line = await TestLine.OpenAsync(folder.Path, "forged", TestLine.Options(new Uri($"ws://127.0.0.1:{address.Port}/ws"), authority.RootPublicKey));
        await line.Actor.StartAsync(CancellationToken.None);
        qrShown.SetResult((await line.WaitForAsync<QrCodeIssued>()).Qr);

        var answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("error", answer.Attr("type"));
        Assert.Equal("401", answer.RequiredChild("error").Attr("code"));
        Assert.Equal(expectedText, answer.RequiredChild("error").Attr("text"));
        var failed = await line.WaitForStatusAsync(LineStatus.Failed);
        Assert.Equal($"pair_success_refused: {expectedText}", failed.Change.Reason);
        var stored = await line.Credentials.LoadAsync(CancellationToken.None);
        Assert.NotNull(stored);
        Assert.False(stored!.IsPaired);
        Assert.Null(stored.AccountIdentity);
        await app.StopAsync();
    }

    private static async Task SendAsync(NoiseConnection connection, Node node) =>
        await connection.SendAsync(BinaryEncoder.Encode(node), CancellationToken.None);
}
