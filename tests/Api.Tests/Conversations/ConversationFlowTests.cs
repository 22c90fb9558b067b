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
