using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

public class BaileysFaultTests
{
    [Fact]
    public async Task A_corrupted_delivery_heals_through_a_retry_receipt()
    {
        // Baileys 7.0.0-rc14's 1:1 retry resend carries its enc twice, which WhatsApp refuses with 479
        // (WhiskeySockets/Baileys#2781; R3): the strict sandbox refuses it too, so this heal runs lenient and shows the
        // breach is counted.
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path, strict: false);
        var (alice, bob) = await PairTwoAsync(sandbox, data.Path);
        await using var _ = alice;
        await using var __ = bob;

        // Bob's decrypt fails, he sends a retry receipt, Alice re-encrypts and resends, Bob gets it.
        await Fault(sandbox, "15550002222:1@s.whatsapp.net", "corrupt_next", null);
        var healed = (await alice.SendTextAsync("15550002222@s.whatsapp.net", "arrives after a retry"))["id"]!.GetValue<string>();
        var atBob = await bob.WaitAsync("message", timeoutMs: 45_000, match: new JsonObject { ["id"] = healed, ["body"] = "arrives after a retry" });
        Assert.Equal("arrives after a retry", atBob["body"]!.GetValue<string>());

        // Baileys answered the undecryptable copy with a retry receipt and an ack (R6/R7), as the strict sandbox wants.
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(WaEngine.Sandbox.Rules.ServerRule.R6));
        Assert.True(sandbox.Runtime.Rules.BreachCount(WaEngine.Sandbox.Rules.ServerRule.R3) >= 1);
    }

    [Fact]
    public async Task Queued_messages_survive_a_sandbox_restart()
    {
        using var data = new TempFolder();
        using var bobAuth = new TempFolder();
        string queued;
        string caFile;
        await using (var sandbox = await RunningSandbox.StartAsync(data.Path))
        {
            caFile = await CaFileAsync(sandbox, data.Path);
            await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111", push_name = "Alice" });
            await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550002222", push_name = "Bob" });
            await using (var bob = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550002222", bobAuth.Path))
            {
            }

            var sent = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/messages", new { to = "15550002222", text = "kept across the restart" });
            queued = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        }

        await using var restarted = await RunningSandbox.StartAsync(data.Path);
        await using var bobAgain = await BaileysPeer.StartAsync(restarted, caFile, bobAuth.Path);
        var message = await bobAgain.WaitAsync("message", match: new JsonObject { ["id"] = queued });
        Assert.Equal("kept across the restart", message["body"]!.GetValue<string>());
        Assert.Equal(2, (await restarted.GetJsonAsync("/sandbox/accounts")).AsArray().Count);
    }

    private static async Task<(BaileysPeer Alice, BaileysPeer Bob)> PairTwoAsync(RunningSandbox sandbox, string folder)
    {
        var caFile = await CaFileAsync(sandbox, folder);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111", push_name = "Alice" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550002222", push_name = "Bob" });
        var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550001111");
        var bob = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550002222");
        var hello = (await alice.SendTextAsync("15550002222@s.whatsapp.net", "hello"))["id"]!.GetValue<string>();
        await bob.WaitAsync("message", match: new JsonObject { ["id"] = hello });
        return (alice, bob);
    }

    private static async Task Fault(RunningSandbox sandbox, string device, string kind, int? code)
    {
        var response = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = device, kind, code });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> CaFileAsync(RunningSandbox sandbox, string folder)
    {
        var path = Path.Combine(folder, "ca.pem");
        await File.WriteAllTextAsync(path, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        return path;
    }
}
