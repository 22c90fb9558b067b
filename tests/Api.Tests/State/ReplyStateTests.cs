using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Api.Tests.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.State;

/// <summary>Reply routing state (CONTRACT §3c) through the running service: set, read, carried by the contact's webhooks, kept across a restart, deleted.</summary>
public class ReplyStateTests
{
    private const string Owner = "15550008301";
    private const string Peer = "15550008302";
    private const string PeerJid = Peer + "@s.whatsapp.net";

    [Fact]
    public async Task A_state_set_for_a_contact_rides_on_their_webhooks_survives_a_restart_and_ends_when_deleted()
    {
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "service");
        Directory.CreateDirectory(data);
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(folder.Path, "received.jsonl"));
        long id;
        string token;
        await using (var service = await ServiceProcess.StartAsync(data, ["--sandbox"]))
        {
            using var admin = ApiClients.Admin(service, data);
            (id, token) = await ApiClients.CreateLineAsync(admin, "routed", start: true);
            await ApiClients.PairAsync(service, admin, id, token, Owner);
            await ApiClients.AddPhoneAsync(service, Peer);
            var hook = await admin.PutAsJsonAsync($"/api/sessions/{id}/webhook", new { url = receiver.Url });
            Assert.True(hook.IsSuccessStatusCode, await hook.Content.ReadAsStringAsync());
            using var line = ApiClients.Line(service, token);

            // Before any state: the webhook has none.
            var first = await PhoneSendsAsync(service, "hi, before any state");
            Assert.Null((await DeliveredAsync(receiver, first))["data"]!["state"]);

            // A send that asks the question sets the state for the answer, in the same write as the queued message.
            var asking = await line.PostAsJsonAsync("/api/messages/send", new { to = Peer, text = "What is your address?", state = new { handler = "address-flow", ttl_seconds = 600 } });
            Assert.Equal(HttpStatusCode.Accepted, asking.StatusCode);
            var routed = (await line.GetFromJsonAsync<JsonNode>("/api/state/" + Peer))!;
            Assert.Equal(("address-flow", null), (routed["handler"]!.GetValue<string>(), routed["context"]));
            var answer = await PhoneSendsAsync(service, "1 Main St");
            Assert.Equal("address-flow", (await DeliveredAsync(receiver, answer))["data"]!["state"]!["handler"]!.GetValue<string>());

            var set = await line.PutAsJsonAsync("/api/state/+" + Peer, new { handler = "order-flow", ttl_seconds = 3600, context = new { order = 1234, step = "address" } });
            var view = await set.Content.ReadFromJsonAsync<JsonNode>();
            Assert.True(set.IsSuccessStatusCode, view?.ToJsonString());
            Assert.Equal((PeerJid, "order-flow", 1234), (view!["jid"]!.GetValue<string>(), view["handler"]!.GetValue<string>(), view["context"]!["order"]!.GetValue<int>()));
            var expires = view["expires_at"]!.GetValue<DateTimeOffset>();
            Assert.InRange(expires, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
            Assert.Equal(view.ToJsonString(), (await line.GetFromJsonAsync<JsonNode>("/api/state/" + PeerJid))!.ToJsonString());

            var second = await PhoneSendsAsync(service, "my address is 1 Main St");
            var state = (await DeliveredAsync(receiver, second))["data"]!["state"]!;
            Assert.Equal(("order-flow", "address", view["expires_at"]!.GetValue<string>()), (state["handler"]!.GetValue<string>(), state["context"]!["step"]!.GetValue<string>(), state["expires_at"]!.GetValue<string>()));
        }

        await using (var service = await ServiceProcess.StartAsync(data, ["--sandbox"]))
        {
            using var line = ApiClients.Line(service, token);
            await ApiClients.PollAsync(async () => (await line.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>() == "connected" ? "yes" : null, "the line connected again");
            Assert.Equal("order-flow", (await line.GetFromJsonAsync<JsonNode>("/api/state/" + Peer))!["handler"]!.GetValue<string>());

            var third = await PhoneSendsAsync(service, "still there?");
            Assert.Equal("order-flow", (await DeliveredAsync(receiver, third))["data"]!["state"]!["handler"]!.GetValue<string>());

            Assert.Equal(HttpStatusCode.NoContent, (await line.DeleteAsync("/api/state/" + PeerJid)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await line.DeleteAsync("/api/state/" + PeerJid)).StatusCode);
            var gone = await line.GetAsync("/api/state/" + PeerJid);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("not_found", (await gone.Content.ReadFromJsonAsync<JsonNode>())!["code"]!.GetValue<string>());
            var fourth = await PhoneSendsAsync(service, "and now?");
            Assert.Null((await DeliveredAsync(receiver, fourth))["data"]!["state"]);
        }
    }

    private static async Task<string> PhoneSendsAsync(ServiceProcess service, string text)
    {
        var sent = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{Peer}/messages", new { to = Owner, text });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        return (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }

    private static Task<JsonNode> DeliveredAsync(ReceiverProcess receiver, string msgId) =>
        ApiClients.PollAsync(() => Task.FromResult(receiver.Requests()
            .Where(r => r.Accepted && r.Event == "messages.received")
            .Select(r => r.Json)
            .FirstOrDefault(j => DeliveryCheck.MessageIdOf(j) == msgId)), $"the webhook of {msgId}", seconds: 60);
}
