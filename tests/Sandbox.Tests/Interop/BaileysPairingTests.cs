using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

public class BaileysPairingTests
{
    [Fact]
    public async Task Baileys_pairs_by_qr_restarts_on_515_and_logs_in()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        Assert.Equal(HttpStatusCode.Created, (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111", push_name = "Alice" })).StatusCode);

        await using var baileys = await BaileysPeer.StartAsync(sandbox, caFile);
        var qr = await baileys.WaitAsync("qr");
        Assert.StartsWith("https://wa.me/settings/linked_devices#2@", qr["qr"]!.GetValue<string>());

        var scan = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/scan", new { qr = qr["qr"]!.GetValue<string>() });
        var scanText = await scan.Content.ReadAsStringAsync();
        Assert.True(scan.StatusCode == HttpStatusCode.OK, $"scan answered {(int)scan.StatusCode}: {scanText}");
        var scanBody = JsonNode.Parse(scanText);
        Assert.True(scan.StatusCode == HttpStatusCode.OK, $"scan answered {(int)scan.StatusCode}: {scanBody}");
        Assert.Equal("15550001111:1@s.whatsapp.net", scanBody!["device_jid"]!.GetValue<string>());

        var creds = await baileys.WaitAsync("creds", match: new JsonObject { ["me"] = "15550001111:1@s.whatsapp.net" });
        var restart = await baileys.WaitAsync("close", match: new JsonObject { ["code"] = 515 });
        var open = await baileys.WaitAsync("open", after: restart["seq"]!.GetValue<long>());
        Assert.NotNull(open);
        Assert.True(creds["seq"]!.GetValue<long>() < open["seq"]!.GetValue<long>());

        var accounts = (await sandbox.GetJsonAsync("/sandbox/accounts")).AsArray();
        Assert.Equal(["15550001111@s.whatsapp.net", "15550001111:1@s.whatsapp.net"], accounts[0]!["devices"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.True(sandbox.Runtime.Network.IsOnline("15550001111", 1));

        // Baileys uploaded its prekeys on login (812 when the server had none).
        var count = await new Storage.DeviceKeyStore(await Storage.SandboxDatabase.OpenAsync(data.Path, CancellationToken.None)).CountAsync("15550001111", 1, CancellationToken.None);
        Assert.True(count >= 800, $"the server holds {count} prekeys for the companion");
        var listed = (await sandbox.GetJsonAsync("/sandbox/accounts")).AsArray()[0]!;
        Assert.Equal(["15550001111@s.whatsapp.net", "15550001111:1@s.whatsapp.net"], listed["reachable"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public async Task Baileys_pairs_by_phone_code_and_a_wrong_code_is_refused()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550002222" });

        await using (var wrong = await BaileysPeer.StartAsync(sandbox, caFile))
        {
            await wrong.WaitAsync("qr");
            var code = (await wrong.CallAsync(new JsonObject { ["op"] = "pairing-code", ["phone"] = "15550002222" }))["code"]!.GetValue<string>();
            var other = code[0] == 'A' ? "B" + code[1..] : "A" + code[1..];
            var refused = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550002222/link-code", new { code = other });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("code", (await refused.Content.ReadFromJsonAsync<JsonNode>())!["param"]!.GetValue<string>());
        }

        await using var baileys = await BaileysPeer.StartAsync(sandbox, caFile);
        await baileys.WaitAsync("qr");
        var pairingCode = (await baileys.CallAsync(new JsonObject { ["op"] = "pairing-code", ["phone"] = "15550002222" }))["code"]!.GetValue<string>();
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", pairingCode);

        var typed = pairingCode[..4] + "-" + pairingCode[4..].ToLowerInvariant();
        var linked = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550002222/link-code", new { code = typed });
        var body = await linked.Content.ReadFromJsonAsync<JsonNode>();
        Assert.True(linked.StatusCode == HttpStatusCode.OK, $"link-code answered {(int)linked.StatusCode}: {body}");

        var restart = await baileys.WaitAsync("close", match: new JsonObject { ["code"] = 515 });
        await baileys.WaitAsync("open", after: restart["seq"]!.GetValue<long>());
        Assert.True(sandbox.Runtime.Network.IsOnline("15550002222", body!["device_jid"]!.GetValue<string>() == "15550002222:1@s.whatsapp.net" ? 1 : 2));
    }

    [Fact]
    public async Task A_scan_of_an_unknown_ref_or_for_an_unknown_phone_is_refused_clearly()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111" });
        var key = Convert.ToBase64String(new byte[32]);
        var qr = $"https://wa.me/settings/linked_devices#2@nothing,{key},{key},{key},1";

        var unknownRef = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/scan", new { qr });
        Assert.Equal(HttpStatusCode.NotFound, unknownRef.StatusCode);
        Assert.Contains("No companion is showing this QR", (await unknownRef.Content.ReadFromJsonAsync<JsonNode>())!["error"]!.GetValue<string>());

        var unknownPhone = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15559999999/scan", new { qr });
        Assert.Equal(HttpStatusCode.NotFound, unknownPhone.StatusCode);

        var garbage = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/scan", new { qr = "hello" });
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal("qr", (await garbage.Content.ReadFromJsonAsync<JsonNode>())!["param"]!.GetValue<string>());
    }

    private static async Task<string> WriteCaAsync(RunningSandbox sandbox, string folder)
    {
        var info = await sandbox.GetJsonAsync("/sandbox/info");
        var path = Path.Combine(folder, "media-ca-for-node.pem");
        await File.WriteAllTextAsync(path, info["media_ca_pem"]!.GetValue<string>());
        return path;
    }
}
