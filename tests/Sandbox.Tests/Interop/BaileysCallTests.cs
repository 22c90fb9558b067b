using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

/// <summary>Baileys, the referee, against the strict sandbox's acknowledging rules: a phone's call and messages both ways.</summary>
public class BaileysCallTests
{
    [Fact]
    public async Task R6_Baileys_hears_a_phones_call_and_acks_it_and_everything_else_through_the_strict_sandbox()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = Path.Combine(data.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550081111", push_name = "Alice" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550083333", push_name = "Carol" });
        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550081111");

        var ring = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550083333/calls", new { to = "15550081111", video = true });
        Assert.Equal(HttpStatusCode.Created, ring.StatusCode);
        var callId = (await ring.Content.ReadFromJsonAsync<JsonNode>())!["call_id"]!.GetValue<string>();
        var offer = await alice.WaitAsync("call", match: new JsonObject { ["id"] = callId, ["status"] = "offer" });
        Assert.True(offer["isVideo"]!.GetValue<bool>());
        Assert.Equal("15550083333@s.whatsapp.net", offer["from"]!.GetValue<string>());
        await alice.WaitAsync("call", match: new JsonObject { ["id"] = callId, ["status"] = "terminate" });

        // A message each way and a read receipt after the call: Baileys wrote its call acks before any of it.
        var sent = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550083333/messages", new { to = "15550081111", text = "sorry, wrong number" });
        var phoneMsgId = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await alice.WaitAsync("message", match: new JsonObject { ["id"] = phoneMsgId });
        var reply = (await alice.SendTextAsync("15550083333@s.whatsapp.net", "no problem"))["id"]!.GetValue<string>();
        HttpResponseMessage read;
        var attempts = 0;
        do
        {
            // The phone reads the reply once it has it (404 until then).
            read = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550083333/receipts", new { msg_ids = new[] { reply }, type = "read" });
            if (read.StatusCode == HttpStatusCode.NotFound)
            {
                await Task.Delay(100);
            }
        }
        while (read.StatusCode == HttpStatusCode.NotFound && ++attempts < 100);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        // The read receipt reaches Baileys (as it came off the wire: Baileys' own status update for it may be folded
        // into the delivery's when both arrive together, which made waiting for status 4 flaky on a loaded machine).
        await alice.WaitAsync("raw-receipt", match: new JsonObject { ["id"] = reply, ["receiptType"] = "read" });
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
    }
}
