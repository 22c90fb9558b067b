using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Groups;

/// <summary>Virtual phones in groups through the control API: create, send with sender keys, decrypt, refusals.</summary>
public sealed class PhoneGroupTests
{
    [Theory]
    [InlineData("lid")]
    [InlineData("pn")]
    public async Task Phones_create_a_group_and_each_member_decrypts_the_others_messages(string addressing)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        foreach (var phone in (string[])["15550001111", "15550002222", "15550003333"])
        {
            await sandbox.CreateAccountAsync(phone);
        }

        var created = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/groups",
            new { subject = "Phones", participants = new[] { "+1 555 000 2222", "15550003333@s.whatsapp.net", "19990000000" }, addressing });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var group = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        var jid = group["jid"]!.GetValue<string>();
        Assert.EndsWith("@g.us", jid);
        Assert.Equal(addressing, group["addressing"]!.GetValue<string>());
        var statuses = group["participants"]!.AsArray().ToDictionary(p => p!["jid"]!.GetValue<string>(), p => p!["status"]?.GetValue<string>() ?? p["admin"]!.GetValue<string>());
        Assert.Equal("superadmin", statuses["15550001111@s.whatsapp.net"]);
        Assert.Equal("added", statuses["15550002222@s.whatsapp.net"]);
        Assert.Equal("added", statuses["15550003333@s.whatsapp.net"]);
        Assert.Equal("not_on_whatsapp", statuses["19990000000@s.whatsapp.net"]);

        var first = await SendAsync(sandbox, "15550001111", jid, "hello group");
        var second = await SendAsync(sandbox, "15550001111", jid, "again, skmsg only");
        var reply = await SendAsync(sandbox, "15550002222", jid, "hi from bob");
        await sandbox.Runtime.Network.Groups!.DrainPhonesAsync(CancellationToken.None);

        var atCarol = await InboxAsync(sandbox, "15550003333");
        Assert.Equal(["hello group", "again, skmsg only", "hi from bob"], atCarol.Select(m => m["body"]!.GetValue<string>()).ToArray());
        Assert.All(atCarol, m => Assert.Equal(jid, m["from"]!.GetValue<string>()));
        var aliceAs = addressing == "lid" ? (await sandbox.GetJsonAsync("/sandbox/accounts")).AsArray().Single(a => a!["phone"]!.GetValue<string>() == "15550001111")!["lid"]!.GetValue<string>() : "15550001111@s.whatsapp.net";
        Assert.Equal(aliceAs, atCarol[0]["participant"]!.GetValue<string>());
        Assert.Equal(first, atCarol[0]["msg_id"]!.GetValue<string>());
        Assert.Equal(second, atCarol[1]["msg_id"]!.GetValue<string>());
        Assert.Contains(await InboxAsync(sandbox, "15550001111"), m => m["msg_id"]!.GetValue<string>() == reply && m["body"]!.GetValue<string>() == "hi from bob");

        // Carol reads Alice's message: the receipt names the sender and goes through the group.
        var read = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003333/receipts", new { msg_ids = new[] { first }, type = "read" });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
    }

    [Fact]
    public async Task A_stranger_and_a_non_admin_in_an_announcement_group_are_refused()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        foreach (var phone in (string[])["15550001111", "15550002222", "15550003333"])
        {
            await sandbox.CreateAccountAsync(phone);
        }

        var jid = (await (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/groups", new { subject = "News", participants = new[] { "15550002222" } }))
            .Content.ReadFromJsonAsync<JsonNode>())!["jid"]!.GetValue<string>();
        var stranger = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003333/messages", new { to = jid, text = "let me in" });
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);

        var groups = sandbox.Runtime.Network.Groups!;
        await groups.Store.SetAnnounceAsync(jid[..^5], true, CancellationToken.None);
        var member = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550002222/messages", new { to = jid, text = "may I?" });
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);
        Assert.Contains("401", (await member.Content.ReadFromJsonAsync<JsonNode>())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/messages", new { to = jid, text = "admins only" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/messages", new { to = "120363000000000009@g.us", text = "x" })).StatusCode);
    }

    [Theory]
    [InlineData("{\"participants\":[]}", "subject")]
    [InlineData("{\"subject\":\"x\"}", "participants")]
    [InlineData("{\"subject\":\"x\",\"participants\":[\"not a phone\"]}", "participants")]
    [InlineData("{\"subject\":\"x\",\"participants\":[\"@@\"]}", "participants")]
    [InlineData("{\"subject\":\"x\",\"participants\":[],\"addressing\":\"both\"}", "addressing")]
    public async Task Bad_group_creates_get_a_clear_400(string body, string param)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.CreateAccountAsync("15550001111");
        var answer = await sandbox.Http.PostAsync("/sandbox/accounts/15550001111/groups", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(param, (await answer.Content.ReadFromJsonAsync<JsonNode>())!["param"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15559999999/groups", new { subject = "x", participants = Array.Empty<string>() })).StatusCode);
    }

    private static async Task<string> SendAsync(RunningSandbox sandbox, string phone, string to, string text)
    {
        var sent = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{phone}/messages", new { to, text });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        return (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }

    private static async Task<List<JsonNode>> InboxAsync(RunningSandbox sandbox, string phone) =>
        (await sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray().Select(m => m!).ToList();
}
