using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

/// <summary>The unmodified Baileys 7 against the sandbox's groups: its own group functions, sender keys both ways with a virtual phone.</summary>
public class BaileysGroupTests
{
    [Fact]
    public async Task Baileys_creates_a_group_with_virtual_phones_and_each_side_decrypts_the_other()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await CaFileAsync(sandbox, data);
        var accounts = await CreateAccountsAsync(sandbox, ("15550001111", "Alice"), ("15550002222", "Bob"), ("15550003333", "Carol"));
        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550001111");

        var created = await alice.CreateGroupAsync("Interop", "15550002222@s.whatsapp.net", "15550003333@s.whatsapp.net");
        var metadata = created["metadata"]!;
        var jid = metadata["id"]!.GetValue<string>();
        Assert.EndsWith("@g.us", jid);
        Assert.Equal("lid", metadata["addressingMode"]!.GetValue<string>());
        Assert.Equal(3, metadata["participants"]!.AsArray().Count);
        await alice.WaitAsync("group-upsert", match: new JsonObject { ["id"] = jid });

        // Baileys → the phones: the SKDM in each phone's pkmsg, then the skmsg, decrypted by both.
        var first = (await alice.SendTextAsync(jid, "hello phones"))["id"]!.GetValue<string>();
        var second = (await alice.SendTextAsync(jid, "second, skmsg only"))["id"]!.GetValue<string>();
        foreach (var phone in (string[])["15550002222", "15550003333"])
        {
            var inbox = await WaitForInboxAsync(sandbox, phone, second);
            var one = inbox.Single(m => m["msg_id"]!.GetValue<string>() == first);
            Assert.Equal("hello phones", one["body"]!.GetValue<string>());
            Assert.Equal(jid, one["from"]!.GetValue<string>());
            Assert.StartsWith(accounts["15550001111"].Split('@')[0] + ":", one["participant"]!.GetValue<string>());
            Assert.Equal("second, skmsg only", inbox.Single(m => m["msg_id"]!.GetValue<string>() == second)["body"]!.GetValue<string>());
        }

        // A phone → Baileys: decrypted with the phone's sender key, under the group, from the phone's LID.
        var reply = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550002222/messages", new { to = jid, text = "hi from bob's phone" });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        var atAlice = await alice.WaitAsync("message", match: new JsonObject { ["id"] = replyId });
        Assert.Equal("hi from bob's phone", atAlice["body"]!.GetValue<string>());
        Assert.Equal(jid, atAlice["remoteJid"]!.GetValue<string>());
        Assert.Equal(accounts["15550002222"], atAlice["participant"]!.GetValue<string>());

        // The phones' delivery receipts come back to Baileys through the group.
        await alice.WaitAsync("raw-receipt", match: new JsonObject { ["id"] = first, ["from"] = jid });

        // Baileys cannot decrypt the phone's next group message (corrupted on the way): its retry receipt reaches the
        // phone through the group, and the phone sends it again to that device alone, with its sender key inside.
        var fault = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = "15550001111:1@s.whatsapp.net", kind = "corrupt_next", count = 1 });
        fault.EnsureSuccessStatusCode();
        var again = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550002222/messages", new { to = jid, text = "after a retry" });
        var againId = (await again.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        // Baileys first shows the message as undecryptable (a stub without content), then decrypted.
        var retried = await alice.WaitAsync("message", match: new JsonObject { ["id"] = againId, ["body"] = "after a retry" }, timeoutMs: 60_000);
        Assert.Equal(jid, retried["remoteJid"]!.GetValue<string>());
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R3));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R5));
    }

    [Fact]
    public async Task Baileys_group_functions_work_against_the_sandbox_with_whatsapps_refusals()
    {
        using var data = new TempFolder();
        using var daveAuth = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await CaFileAsync(sandbox, data);
        var accounts = await CreateAccountsAsync(sandbox, ("15550001111", "Alice"), ("15550002222", "Bob"), ("15550004444", "Dave"));
        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550001111");
        await using var dave = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550004444", daveAuth.Path);

        var jid = (await alice.CreateGroupAsync("Ops", "15550002222@s.whatsapp.net"))["metadata"]!["id"]!.GetValue<string>();
        var metadata = (await alice.GroupMetadataAsync(jid))["metadata"]!;
        Assert.Equal("Ops", metadata["subject"]!.GetValue<string>());
        Assert.Equal(accounts["15550001111"], metadata["owner"]!.GetValue<string>());
        Assert.Contains(metadata["participants"]!.AsArray(), p => p!["id"]!.GetValue<string>() == accounts["15550001111"] && p["admin"]!.GetValue<string>() == "superadmin");

        await alice.GroupAsync("group-subject", new JsonObject { ["jid"] = jid, ["subject"] = "Ops room" });
        await alice.WaitAsync("group-update", match: new JsonObject { ["id"] = jid, ["subject"] = "Ops room" });
        await alice.GroupAsync("group-description", new JsonObject { ["jid"] = jid, ["description"] = "Who is on call" });
        await alice.WaitAsync("group-update", match: new JsonObject { ["id"] = jid, ["desc"] = "Who is on call" });
        await alice.GroupAsync("group-setting", new JsonObject { ["jid"] = jid, ["setting"] = "announcement" });
        await alice.WaitAsync("group-update", match: new JsonObject { ["id"] = jid, ["announce"] = true });

        // Dave joins by the invite code; everyone hears the add, by Dave.
        var code = (await alice.GroupAsync("group-invite-code", new JsonObject { ["jid"] = jid }))["code"]!.GetValue<string>();
        Assert.Equal(jid, (await dave.GroupAsync("group-accept-invite", new JsonObject { ["code"] = code }))["jid"]!.GetValue<string>());
        var joined = await alice.WaitAsync("group-participants", match: new JsonObject { ["id"] = jid, ["action"] = "add" });
        Assert.Equal(accounts["15550004444"], joined["author"]!.GetValue<string>());

        // Dave is no admin: WhatsApp answers 401 not-authorized, and in an announcement group his message is refused.
        var refused = await dave.GroupParticipantsAsync(jid, "remove", accounts["15550002222"]);
        Assert.True(refused["failed"]!.GetValue<bool>());
        Assert.Equal(401, refused["status"]!.GetValue<int>());
        var muted = (await dave.SendTextAsync(jid, "may I?"))["id"]!.GetValue<string>();
        await dave.WaitAsync("raw-ack", match: new JsonObject { ["id"] = muted, ["ackError"] = "401" });

        var promoted = await alice.GroupParticipantsAsync(jid, "promote", accounts["15550004444"]);
        Assert.Equal("200", promoted["results"]![0]!["status"]!.GetValue<string>());
        await dave.WaitAsync("group-participants", match: new JsonObject { ["id"] = jid, ["action"] = "promote" });
        Assert.Equal("200", (await alice.GroupParticipantsAsync(jid, "demote", accounts["15550004444"]))["results"]![0]!["status"]!.GetValue<string>());
        var removed = await alice.GroupParticipantsAsync(jid, "remove", accounts["15550002222"], "19990000000@s.whatsapp.net");
        Assert.Equal(["200", "404"], removed["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()).ToArray());
        await dave.WaitAsync("group-participants", match: new JsonObject { ["id"] = jid, ["action"] = "remove" });

        var revoked = (await alice.GroupAsync("group-revoke-invite", new JsonObject { ["jid"] = jid }))["code"]!.GetValue<string>();
        Assert.NotEqual(code, revoked);

        await dave.GroupAsync("group-leave", new JsonObject { ["jid"] = jid });
        var left = await alice.WaitAsync("group-participants", match: new JsonObject { ["id"] = jid, ["action"] = "remove", ["author"] = accounts["15550004444"] });
        Assert.Equal(accounts["15550004444"], left["participants"]![0]!.GetValue<string>());
        var gone = await dave.GroupMetadataAsync(jid);
        Assert.Equal(403, gone["status"]!.GetValue<int>());

        var participating = (await alice.GroupAsync("group-participating"))["groups"]!.AsArray();
        Assert.Equal(jid, Assert.Single(participating)!["id"]!.GetValue<string>());
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
    }

    private static async Task<string> CaFileAsync(RunningSandbox sandbox, TempFolder data)
    {
        var caFile = Path.Combine(data.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        return caFile;
    }

    /// <summary>Creates the accounts; answers each one's LID JID by phone (the sandbox's groups are LID-addressed).</summary>
    private static async Task<Dictionary<string, string>> CreateAccountsAsync(RunningSandbox sandbox, params (string Phone, string Name)[] accounts)
    {
        var lids = new Dictionary<string, string>();
        foreach (var (phone, name) in accounts)
        {
            var created = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone, push_name = name });
            lids[phone] = (await created.Content.ReadFromJsonAsync<JsonNode>())!["lid"]!.GetValue<string>();
        }

        return lids;
    }

    /// <summary>The phone's inbox once it holds <paramref name="msgId"/> (the phone decrypts as the sandbox routes; no event to wait on).</summary>
    private static async Task<List<JsonNode>> WaitForInboxAsync(RunningSandbox sandbox, string phone, string msgId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var inbox = (await sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray().Select(m => m!).ToList();
            if (inbox.Any(m => m["msg_id"]!.GetValue<string>() == msgId) || DateTimeOffset.UtcNow > deadline)
            {
                return inbox;
            }

            await Task.Delay(100);
        }
    }
}
