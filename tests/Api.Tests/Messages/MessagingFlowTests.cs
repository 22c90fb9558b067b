using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Messages;

/// <summary>
/// The line API end to end over HTTP only, in sandbox mode: pair a line, send each kind of message to a virtual phone
/// and see it arrive decrypted there, then read the line's chats, history, recent messages and statuses.
/// </summary>
public class MessagingFlowTests
{
    private const string OwnerPhone = "15550005555";
    private const string PeerPhone = "15550006666";
    private const string PeerJid = PeerPhone + "@s.whatsapp.net";

    [Fact]
    public async Task Every_kind_of_message_reaches_the_phone_and_the_line_reads_it_back()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "flow", start: true);
        await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
        await ApiClients.AddPhoneAsync(service, PeerPhone);
        using var line = ApiClients.Line(service, token);

        var me = (await line.GetFromJsonAsync<JsonNode>("/api/me"))!["session"]!;
        Assert.Equal((id, OwnerPhone + "@s.whatsapp.net"), (me["id"]!.GetValue<long>(), me["phone_jid"]!.GetValue<string>()));
        var status = (await line.GetFromJsonAsync<JsonNode>("/api/status"))!;
        Assert.Equal(("connected", "flow"), (status["status"]!.GetValue<string>(), status["name"]!.GetValue<string>()));

        // A text, addressed as +E.164: queued at once, then delivered, then read once the phone reads it.
        var text = await SendAsync(line, "send", new { to = "+1 555 000 6666", text = "hello from the api" });
        var arrived = await ArrivalAsync(service, text);
        Assert.Equal(("text", "hello from the api"), (arrived["type"]!.GetValue<string>(), arrived["body"]!.GetValue<string>()));
        var view = await StatusAsync(line, text, "delivery_ack");
        Assert.Equal((text, PeerJid, true, "text", "hello from the api"), (view["msg_id"]!.GetValue<string>(), view["chat_jid"]!.GetValue<string>(), view["from_me"]!.GetValue<bool>(), view["type"]!.GetValue<string>(), view["body"]!.GetValue<string>()));
        Assert.InRange(view["timestamp"]!.GetValue<long>(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        var read = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{PeerPhone}/receipts", new { msg_ids = new[] { text }, type = "read" });
        Assert.True(read.IsSuccessStatusCode, await read.Content.ReadAsStringAsync());
        await StatusAsync(line, text, "read");

        // The phone writes; the line has it as received.
        var incoming = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{PeerPhone}/messages", new { to = OwnerPhone + "@s.whatsapp.net", text = "question from the phone" });
        var theirs = (await incoming.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        var received = await StatusAsync(line, theirs, "received");
        Assert.Equal(("question from the phone", false), (received["body"]!.GetValue<string>(), received["from_me"]!.GetValue<bool>()));

        // Reply, reaction, edit and delete, each seen decrypted by the phone with its target.
        var reply = await SendAsync(line, "reply", new { to = PeerPhone, text = "the answer", quoted_msg_id = theirs });
        var replied = await ArrivalAsync(service, reply);
        Assert.Equal("the answer", replied["body"]!.GetValue<string>());
        Assert.Equal(theirs, replied["message"]!["extendedTextMessage"]!["contextInfo"]!["stanzaId"]!.GetValue<string>());

        var reaction = await SendAsync(line, "reaction", new { to = PeerJid, emoji = "👍", target_msg_id = theirs });
        var reacted = await ArrivalAsync(service, reaction);
        Assert.Equal(("reaction", "👍"), (reacted["type"]!.GetValue<string>(), reacted["body"]!.GetValue<string>()));
        Assert.Equal(theirs, reacted["message"]!["reactionMessage"]!["key"]!["id"]!.GetValue<string>());

        var edit = await SendAsync(line, "edit", new { to = PeerJid, text = "hello from the api, edited", target_msg_id = text });
        var edited = await ArrivalAsync(service, edit);
        Assert.Equal(("edit", "hello from the api, edited"), (edited["type"]!.GetValue<string>(), edited["body"]!.GetValue<string>()));
        Assert.Equal(text, edited["message"]!["protocolMessage"]!["key"]!["id"]!.GetValue<string>());

        await StatusAsync(line, edit, "delivery_ack");
        var delete = await SendAsync(line, "delete", new { to = PeerJid, target_msg_id = reply });
        var deleted = await ArrivalAsync(service, delete);
        Assert.Equal("revoke", deleted["type"]!.GetValue<string>());
        Assert.Equal(reply, deleted["message"]!["protocolMessage"]!["key"]!["id"]!.GetValue<string>());
        await StatusAsync(line, delete, "delivery_ack");

        // Chats, history (newest first, as a phone number too) and the newest messages.
        var chats = (await line.GetFromJsonAsync<JsonArray>("/api/chats"))!;
        var chat = Assert.Single(chats, c => c!["jid"]!.GetValue<string>() == PeerJid)!;
        Assert.Equal(0, chat["is_group"]!.GetValue<int>());
        Assert.True(chat["last_msg_at"]!.GetValue<long>() >= view["timestamp"]!.GetValue<long>());
        Assert.True(chat["unread"]!.GetValue<int>() >= 1);

        var history = (await line.GetFromJsonAsync<JsonArray>("/api/history?jid=%2B15550006666&limit=50"))!;
        var ids = history.Select(m => m!["msg_id"]!.GetValue<string>()).ToList();
        Assert.Subset(ids.ToHashSet(), new HashSet<string> { text, theirs, reply, reaction, edit, delete });
        var times = history.Select(m => m!["timestamp"]!.GetValue<long>()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        var first = history.First(m => m!["msg_id"]!.GetValue<string>() == text)!;
        Assert.Equal(OwnerPhone + "@s.whatsapp.net", first["sender_jid"]!.GetValue<string>());

        // Our accepted edit and delete took effect on their targets in our own history.
        Assert.Equal("hello from the api, edited", first["body"]!.GetValue<string>());
        Assert.Null(history.First(m => m!["msg_id"]!.GetValue<string>() == reply)!["body"]);
        Assert.Null(first["media_path"]);
        var editItem = history.First(m => m!["msg_id"]!.GetValue<string>() == edit)!;
        Assert.Equal(("edit", "hello from the api, edited"), (editItem["type"]!.GetValue<string>(), editItem["body"]!.GetValue<string>()));
        Assert.Equal(2, (await line.GetFromJsonAsync<JsonArray>($"/api/history?jid={PeerJid}&limit=2"))!.Count);

        var recent = (await line.GetFromJsonAsync<JsonArray>("/api/messages/recent?limit=3"))!;
        Assert.Equal(3, recent.Count);
        Assert.All(recent, m => Assert.Equal(m!["msg_id"]!.GetValue<string>(), m["id"]!.GetValue<string>()));
        Assert.Contains(recent, m => m!["msg_id"]!.GetValue<string>() == delete && m["chat_jid"]!.GetValue<string>() == PeerJid);

        // Logs at Information never carry the token, the admin key (beyond its one announcement) or a message's text.
        var output = service.Output;
        Assert.DoesNotContain(token, output, StringComparison.Ordinal);
        Assert.DoesNotContain("hello from the api", output, StringComparison.Ordinal);
        Assert.DoesNotContain("question from the phone", output, StringComparison.Ordinal);
        Assert.DoesNotContain("the answer", output, StringComparison.Ordinal);
        var key = await File.ReadAllTextAsync(Path.Combine(data.Path, "admin.key"));
        Assert.Equal(1, CountOf(output, key));
    }

    private static async Task<string> SendAsync(HttpClient line, string kind, object body)
    {
        var answer = await line.PostAsJsonAsync($"/api/messages/{kind}", body);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, $"{kind}: {(int)answer.StatusCode} {text}");
        var queued = JsonNode.Parse(text)!;
        Assert.True(queued["queued"]!.GetValue<bool>());
        return queued["msg_id"]!.GetValue<string>();
    }

    private static Task<JsonNode> ArrivalAsync(ServiceProcess service, string msgId) =>
        ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, PeerPhone)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == msgId), $"message {msgId} reaching the phone");

    private static Task<JsonNode> StatusAsync(HttpClient line, string msgId, string status) =>
        ApiClients.PollAsync(async () =>
        {
            var answer = await line.GetAsync($"/api/messages/{msgId}");
            var view = answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync<JsonNode>() : null;
            return view?["status"]?.GetValue<string>() == status ? view : null;
        }, $"message {msgId} reaching status {status}");

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
