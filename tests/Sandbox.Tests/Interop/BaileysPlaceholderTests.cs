using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

/// <summary>
/// Baileys, the referee, against R15 and R14 through the strict sandbox: a message delivered to it as
/// <c>&lt;unavailable&gt;</c> is asked for again from its own phone, which resends it as a peer message.
/// </summary>
public class BaileysPlaceholderTests
{
    [Fact]
    public async Task R15_R14_Baileys_asks_its_phone_for_an_unavailable_message_and_gets_it_as_a_peer_message()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = Path.Combine(data.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550091111", push_name = "Alice" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550093333", push_name = "Carol" });
        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550091111");

        var sent = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550093333/messages", new { to = "15550091111", text = "only my phone could read this", unavailable = true });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var msgId = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();

        // First the placeholder (no content), then the phone's resend with the text.
        var resent = await alice.WaitAsync("message", timeoutMs: 45_000, match: new JsonObject { ["id"] = msgId, ["body"] = "only my phone could read this" });
        Assert.Equal("15550093333@s.whatsapp.net", resent["remoteJid"]!.GetValue<string>());
        Assert.False(resent["fromMe"]!.GetValue<bool>());

        // Alice's phone still has the message and was asked for nothing else.
        var atPhone = (await sandbox.GetJsonAsync("/sandbox/accounts/15550091111/messages")).AsArray();
        Assert.Single(atPhone, m => m!["msg_id"]!.GetValue<string>() == msgId);

        // Baileys acked the unavailable message and the peer message, and receipted the peer message peer_msg.
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R14));
    }

    [Fact]
    public async Task R15_an_unavailable_flag_that_is_no_type_is_refused_with_a_reason()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550091111", push_name = "Alice" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550093333", push_name = "Carol" });

        var bad = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550093333/messages", new { to = "15550091111", text = "x", unavailable = "no such <type>" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unavailable", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
