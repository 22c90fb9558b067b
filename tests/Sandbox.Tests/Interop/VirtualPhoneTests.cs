using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

public class VirtualPhoneTests
{
    [Fact]
    public async Task A_virtual_phone_and_baileys_message_each_other_with_delivery_and_read_receipts()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = Path.Combine(data.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111", push_name = "Alice" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550003333", push_name = "Carol" });
        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550001111");

        // Carol's phone → Alice's Baileys.
        var sent = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003333/messages", new { to = "+1 555 000 1111", text = "hi from carol's phone" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var phoneMsgId = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        var atAlice = await alice.WaitAsync("message", match: new JsonObject { ["id"] = phoneMsgId });
        Assert.Equal("hi from carol's phone", atAlice["body"]!.GetValue<string>());
        Assert.Equal("15550003333@s.whatsapp.net", atAlice["remoteJid"]!.GetValue<string>());

        // Alice's Baileys → Carol's phone, decrypted there; the phone reads it and Alice sees the read receipt.
        var reply = (await alice.SendTextAsync("15550003333@s.whatsapp.net", "hello carol"))["id"]!.GetValue<string>();
        JsonNode? received = null;
        for (var i = 0; i < 50 && received is null; i++)
        {
            var inbox = (await sandbox.GetJsonAsync("/sandbox/accounts/15550003333/messages")).AsArray();
            received = inbox.FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == reply);
            if (received is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(received);
        Assert.Equal("hello carol", received!["body"]!.GetValue<string>());
        Assert.Equal("text", received["type"]!.GetValue<string>());
        Assert.StartsWith("15550001111:1@", received["from"]!.GetValue<string>());

        var read = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003333/receipts", new { msg_ids = new[] { reply }, type = "read" });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        // The read receipt as Baileys' socket took it: when it lands before Baileys has appended its own sent message,
        // Baileys folds the status into that message instead of emitting an update, so the update is not waited for.
        var receipt = await alice.WaitAsync("raw-receipt", match: new JsonObject { ["id"] = reply, ["receiptType"] = "read" });
        Assert.Equal("15550003333@s.whatsapp.net", receipt["from"]!.GetValue<string>());

        // Alice's own phone got the device-sent copy of what her companion sent.
        var ownCopies = (await sandbox.GetJsonAsync("/sandbox/accounts/15550001111/messages")).AsArray();
        Assert.Contains(ownCopies, m => m!["msg_id"]!.GetValue<string>() == reply && m["body"]!.GetValue<string>() == "hello carol");
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(WaEngine.Sandbox.Rules.ServerRule.R6));
    }

    [Fact]
    public async Task Phone_sends_of_protobuf_json_and_bad_requests()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550003333" });

        var reaction = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003333/messages", new
        {
            to = "15550001111@s.whatsapp.net",
            message = new { reactionMessage = new { key = new { remoteJid = "15550001111@s.whatsapp.net", fromMe = false, id = "3EB0AA" }, text = "👍" } },
        });
        Assert.Equal(HttpStatusCode.Created, reaction.StatusCode);
        var inbox = (await sandbox.GetJsonAsync("/sandbox/accounts/15550001111/messages")).AsArray();
        Assert.Equal("reaction", inbox.Single()!["type"]!.GetValue<string>());
        Assert.Equal("👍", inbox.Single()!["body"]!.GetValue<string>());

        async Task<(HttpStatusCode, string?)> Bad(object body)
        {
            var response = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003333/messages", body);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonNode>())!["param"]?.GetValue<string>());
        }

        Assert.Equal((HttpStatusCode.NotFound, "to"), await Bad(new { to = "19999999999", text = "x" }));
        Assert.Equal((HttpStatusCode.BadRequest, "to"), await Bad(new { text = "x" }));
        Assert.Equal((HttpStatusCode.BadRequest, "text"), await Bad(new { to = "15550001111" }));
        Assert.Equal((HttpStatusCode.BadRequest, "message"), await Bad(new { to = "15550001111", message = new { noSuchField = 1 } }));
        Assert.Equal((HttpStatusCode.BadRequest, "to"), await Bad(new { to = "a@b@c", text = "x" }));
    }
}
