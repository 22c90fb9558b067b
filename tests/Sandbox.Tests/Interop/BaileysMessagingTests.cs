using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

public class BaileysMessagingTests
{
    [Fact]
    public async Task Two_baileys_clients_exchange_texts_get_receipts_and_catch_up_after_being_offline()
    {
        using var data = new TempFolder();
        using var authB = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = Path.Combine(data.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111", push_name = "Alice" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550002222", push_name = "Bob", addressing = "lid" });

        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550001111");
        var bob = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550002222", authB.Path);

        // Alice → Bob, decrypted by Bob; Alice sees it delivered.
        var sent = await alice.SendTextAsync("15550002222@s.whatsapp.net", "hello bob");
        var received = await bob.WaitAsync("message", match: new JsonObject { ["id"] = sent["id"]!.GetValue<string>() });
        Assert.Equal("hello bob", received["body"]!.GetValue<string>());
        Assert.False(received["fromMe"]!.GetValue<bool>());
        Assert.Equal("Alice", received["pushName"]?.GetValue<string>());

        // Bob (addressed by LID) → Alice.
        var reply = await bob.SendTextAsync(received["remoteJid"]!.GetValue<string>(), "hi alice");
        var atAlice = await alice.WaitAsync("message", match: new JsonObject { ["id"] = reply["id"]!.GetValue<string>() });
        Assert.Equal("hi alice", atAlice["body"]!.GetValue<string>());

        // Bob goes offline; Alice sends twice; Bob comes back on the same credentials and gets both, in order.
        await bob.DisposeAsync();
        var first = (await alice.SendTextAsync("15550002222@s.whatsapp.net", "while you were away 1"))["id"]!.GetValue<string>();
        var second = (await alice.SendTextAsync("15550002222@s.whatsapp.net", "while you were away 2"))["id"]!.GetValue<string>();
        await using var bobAgain = await BaileysPeer.StartAsync(sandbox, caFile, authB.Path);
        var one = await bobAgain.WaitAsync("message", match: new JsonObject { ["id"] = first });
        var two = await bobAgain.WaitAsync("message", match: new JsonObject { ["id"] = second });
        Assert.Equal("while you were away 1", one["body"]!.GetValue<string>());
        Assert.Equal("while you were away 2", two["body"]!.GetValue<string>());
        Assert.True(one["seq"]!.GetValue<long>() < two["seq"]!.GetValue<long>());

        // A sandbox-sent 515: Alice reconnects (as Baileys asks its application to) and keeps messaging.
        var before = (await alice.EventsAsync()).Count;
        var fault = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = "15550001111:1@s.whatsapp.net", kind = "stream_error", code = 515 });
        Assert.True(fault.IsSuccessStatusCode, await fault.Content.ReadAsStringAsync());
        var restart = await alice.WaitAsync("close", after: before, match: new JsonObject { ["code"] = 515 });
        await alice.WaitAsync("open", after: restart["seq"]!.GetValue<long>());
        var afterRestart = (await alice.SendTextAsync("15550002222@s.whatsapp.net", "after the restart"))["id"]!.GetValue<string>();
        Assert.Equal("after the restart", (await bobAgain.WaitAsync("message", match: new JsonObject { ["id"] = afterRestart }))["body"]!.GetValue<string>());
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(WaEngine.Sandbox.Rules.ServerRule.R6));
    }
}
