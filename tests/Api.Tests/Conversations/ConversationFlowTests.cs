using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Conversations;

/// <summary>The conversation endpoints over HTTP against a real service in sandbox mode, with a virtual phone as the contact.</summary>
public class ConversationFlowTests
{
    private const string OwnerPhone = "15550007711";
    private const string PeerPhone = "15550007722";
    private const string PeerJid = PeerPhone + "@s.whatsapp.net";

    [Fact]
    public async Task Reading_named_then_all_unread_messages_answers_how_many_and_the_chats_unread_drops()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "conversations", start: true);
        await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
        await ApiClients.AddPhoneAsync(service, PeerPhone);
        using var line = ApiClients.Line(service, token);

        var first = await PhoneSendsAsync(service, line, "first");
        var second = await PhoneSendsAsync(service, line, "second");
        var third = await PhoneSendsAsync(service, line, "third");
        Assert.Equal(3, await UnreadAsync(line));

        var named = await line.PostAsJsonAsync("/api/messages/read", new { to = PeerJid, msg_ids = new[] { second } });
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(1, (await named.Content.ReadFromJsonAsync<JsonNode>())!["read"]!.GetValue<int>());
        Assert.Equal(2, await UnreadAsync(line));

        // Reading it again sends its receipt again but does not count twice; the rest go as "all unread".
        Assert.Equal(1, (await (await line.PostAsJsonAsync("/api/messages/read", new { to = PeerJid, msg_ids = new[] { second } })).Content.ReadFromJsonAsync<JsonNode>())!["read"]!.GetValue<int>());
        Assert.Equal(2, await UnreadAsync(line));
        var all = await line.PostAsJsonAsync("/api/messages/read", new { to = "+" + PeerPhone });
        Assert.Equal(2, (await all.Content.ReadFromJsonAsync<JsonNode>())!["read"]!.GetValue<int>());
        Assert.Equal(0, await UnreadAsync(line));
        Assert.Equal(0, (await (await line.PostAsJsonAsync("/api/messages/read", new { to = PeerJid })).Content.ReadFromJsonAsync<JsonNode>())!["read"]!.GetValue<int>());

        // Ours is not a message received in the chat: nothing is sent, and the answer names it.
        var own = await (await line.PostAsJsonAsync("/api/messages/send", new { to = PeerJid, text = "mine" })).Content.ReadFromJsonAsync<JsonNode>();
        var refused = await line.PostAsJsonAsync("/api/messages/read", new { to = PeerJid, msg_ids = new[] { first, own!["msg_id"]!.GetValue<string>() } });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(("not_found", "msg_ids"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.Contains(own["msg_id"]!.GetValue<string>(), error["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(first, error["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(third);
    }

    [Fact]
    public async Task Typing_presence_and_subscriptions_answer_what_they_sent_and_a_stopped_line_is_refused()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "presence", start: true);
        await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
        await ApiClients.AddPhoneAsync(service, PeerPhone);
        using var line = ApiClients.Line(service, token);

        foreach (var state in new[] { "composing", "recording", "paused" })
        {
            var typing = await line.PostAsJsonAsync("/api/chats/typing", new { to = "+" + PeerPhone, state });
            Assert.Equal(HttpStatusCode.OK, typing.StatusCode);
            Assert.Equal((PeerJid, state), Answer(await typing.Content.ReadFromJsonAsync<JsonNode>()));
        }

        var online = await line.PostAsJsonAsync("/api/presence", new { state = "available" });
        Assert.Equal((null, "available"), Answer(await online.Content.ReadFromJsonAsync<JsonNode>()));
        var subscribed = await line.PostAsJsonAsync("/api/presence/subscribe", new { to = PeerPhone });
        Assert.Equal((PeerJid, "subscribed"), Answer(await subscribed.Content.ReadFromJsonAsync<JsonNode>()));
        Assert.Equal(HttpStatusCode.OK, (await line.PostAsJsonAsync("/api/presence", new { state = "unavailable" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/sessions/{id}/stop", null)).StatusCode);
        var refused = await line.PostAsJsonAsync("/api/presence", new { state = "available" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("not_connected", (await refused.Content.ReadFromJsonAsync<JsonNode>())!["code"]!.GetValue<string>());

        static (string?, string) Answer(JsonNode? answer) => (answer!["to"]?.GetValue<string>(), answer["state"]!.GetValue<string>());
    }

    private static async Task<string> PhoneSendsAsync(ServiceProcess service, HttpClient line, string text)
    {
        var sent = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{PeerPhone}/messages", new { to = OwnerPhone + "@s.whatsapp.net", text });
        var msgId = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await ApiClients.PollAsync(async () => (await line.GetAsync($"/api/messages/{msgId}")).IsSuccessStatusCode ? msgId : null, $"message {msgId} reaching the line");
        return msgId;
    }

    private static async Task<int> UnreadAsync(HttpClient line) =>
        (await line.GetFromJsonAsync<JsonArray>("/api/chats"))!.Single(c => c!["jid"]!.GetValue<string>() == PeerJid)!["unread"]!.GetValue<int>();
}
