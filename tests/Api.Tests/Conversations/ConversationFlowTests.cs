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

    [Fact]
    public async Task Contact_checks_answer_per_number_fill_the_contacts_and_are_limited_per_line_with_retry_after()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string>
        {
            ["Api__ContactChecks__Burst"] = "50",
            ["Api__ContactChecks__NumbersPerHour"] = "60",
        });
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "contacts", start: true);
        await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
        await ApiClients.AddPhoneAsync(service, PeerPhone);
        using var line = ApiClients.Line(service, token);
        var peerLid = (await service.Http.GetFromJsonAsync<JsonArray>("/sandbox/accounts"))!.Single(a => a!["phone"]!.GetValue<string>() == PeerPhone)!["lid"]!.GetValue<string>();

        var checked1 = await line.PostAsJsonAsync("/api/contacts/check", new { phones = new[] { "+1 555 000 7722", "+15550007799", PeerPhone } });
        Assert.Equal(HttpStatusCode.OK, checked1.StatusCode);
        var answers = (await checked1.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal(2, answers.Count);
        Assert.Equal((PeerPhone, true, PeerJid), (answers[0]!["phone"]!.GetValue<string>(), answers[0]!["on_whatsapp"]!.GetValue<bool>(), answers[0]!["jid"]!.GetValue<string>()));
        Assert.EndsWith("@lid", answers[0]!["lid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith(peerLid.Split('@')[0], answers[0]!["lid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("15550007799", false), (answers[1]!["phone"]!.GetValue<string>(), answers[1]!["on_whatsapp"]!.GetValue<bool>()));
        Assert.Null(answers[1]!["jid"]);
        Assert.Null(answers[1]!["lid"]);

        var contacts = (await line.GetFromJsonAsync<JsonArray>("/api/contacts"))!;
        var peer = Assert.Single(contacts, c => c!["jid"]!.GetValue<string>() == PeerJid)!;
        Assert.Equal(answers[0]!["lid"]!.GetValue<string>(), peer["lid"]!.GetValue<string>());
        Assert.DoesNotContain(contacts, c => c!["jid"]!.GetValue<string>() == "15550007799@s.whatsapp.net");

        // 2 of 50 numbers used: 48 more pass, the next are refused until the budget refills (60 an hour: a minute each).
        var many = Enumerable.Range(0, 48).Select(i => "+1555001" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await line.PostAsJsonAsync("/api/contacts/check", new { phones = many })).StatusCode);
        var limited = await line.PostAsJsonAsync("/api/contacts/check", new { phones = new[] { PeerPhone, "+15550007799" } });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonNode>())!["code"]!.GetValue<string>());
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 180);
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
