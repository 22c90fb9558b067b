using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>The engine and an unmodified Baileys client as two companions of one account on the same sandbox.</summary>
public sealed class BaileysNeighbourTests
{
    [Fact]
    public async Task TheEnginePairsAndLogsInNextToAPairedBaileysClient()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var info = (await sandbox.Http.GetFromJsonAsync<JsonNode>("/sandbox/info"))!;
        var caFile = Path.Combine(folder.Path, "media-ca.pem");
        await File.WriteAllTextAsync(caFile, info["media_ca_pem"]!.GetValue<string>());
        await sandbox.CreateAccountAsync("15550009001");

        await using var baileys = NodeProcess.Start("baileys-client.mjs", environment: new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = caFile });
        await baileys.CallAsync(new JsonObject
        {
            ["op"] = "start",
            ["wsUrl"] = info["ws_url"]!.GetValue<string>(),
            ["rootKey"] = info["root_public_key"]!.GetValue<string>(),
            ["authDir"] = Path.Combine(folder.Path, "baileys-auth"),
        });
        var baileysQr = await WaitAsync(baileys, "qr");
        await sandbox.ScanAsync("15550009001", baileysQr["qr"]!.GetValue<string>());
        var restart = await WaitAsync(baileys, "close", new JsonObject { ["code"] = 515 });
        await WaitAsync(baileys, "open", after: restart["seq"]!.GetValue<long>());

        var (url, root) = await sandbox.InfoAsync();
        var lines = Path.Combine(folder.Path, "lines");
        await using (var line = await TestLine.OpenAsync(lines, "neighbour", TestLine.Options(url, root)))
        {
            await line.Actor.StartAsync(CancellationToken.None);
            var qr = await line.WaitForAsync<QrCodeIssued>();
            var baileysParts = baileysQr["qr"]!.GetValue<string>().Split(',');
            var ourParts = qr.Qr.Split(',');
            Assert.StartsWith("https://wa.me/settings/linked_devices#2@", qr.Qr, StringComparison.Ordinal);
            Assert.Equal(baileysParts.Length, ourParts.Length);
            Assert.Equal(baileysParts[^1], ourParts[^1]);
            await sandbox.ScanAsync("15550009001", qr.Qr);
            await line.WaitForStatusAsync(LineStatus.Connected);
            Assert.Equal(["starting", "scan_qr", "connecting", "connected"], line.Statuses);
        }

        await using (var again = await TestLine.OpenAsync(lines, "neighbour", TestLine.Options(url, root)))
        {
            await again.Actor.StartAsync(CancellationToken.None);
            await again.WaitForStatusAsync(LineStatus.Connected);
            var me = Jid.Parse((await again.Credentials.LoadAsync(CancellationToken.None))!.Me!);
            Assert.Equal((ushort)2, me.Device);
            Assert.True(sandbox.Runtime.Network.IsOnline("15550009001", 1));
            Assert.True(sandbox.Runtime.Network.IsOnline("15550009001", 2));
        }

        await baileys.CallAsync(new JsonObject { ["op"] = "stop" }, TimeSpan.FromSeconds(5));

        // The referee: Baileys (its own upgrade, its 812 prekeys) and the engine both passed the strict sandbox.
        Assert.Equal(0, sandbox.Runtime.Rules.Breaches().Values.Sum());
    }

    private static Task<JsonNode> WaitAsync(NodeProcess baileys, string type, JsonObject? match = null, long after = 0) =>
        baileys.CallAsync(new JsonObject { ["op"] = "wait", ["type"] = type, ["after"] = after, ["timeoutMs"] = 30_000, ["match"] = match ?? [] }, TimeSpan.FromSeconds(40));
}
