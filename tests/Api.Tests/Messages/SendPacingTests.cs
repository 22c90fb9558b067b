using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Messages;

/// <summary>
/// Send pacing (opt-in per line): with a minimum gap set, a line's sends to different chats reach the server that far
/// apart (the sandbox's routing timestamps, not the test's clock), queued messages show when they are due, and
/// another line on the same service sends at once meanwhile.
/// </summary>
public sealed class SendPacingTests
{
    private const string PacedPhone = "15550220000";
    private const string FreePhone = "15550220100";
    private static readonly string[] Peers = ["15550220001", "15550220002", "15550220003", "15550220004", "15550220005"];
    private static readonly string[] Strangers = ["15550220006", "15550220007"];

    [Fact]
    public async Task A_paced_line_spaces_its_sends_at_the_server_while_another_line_sends_at_once()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = ApiClients.Admin(service, data.Path);
        var (pacedId, pacedToken) = await ApiClients.CreateLineAsync(admin, "paced", start: true);
        await ApiClients.PairAsync(service, admin, pacedId, pacedToken, PacedPhone);
        var (freeId, freeToken) = await ApiClients.CreateLineAsync(admin, "free", start: true);
        await ApiClients.PairAsync(service, admin, freeId, freeToken, FreePhone);
        foreach (var peer in Peers.Concat(Strangers))
        {
            await ApiClients.AddPhoneAsync(service, peer);
        }

        // 2.5 s between sends to different chats, so the server's whole-second timestamps are at least 2 s apart.
        Assert.Equal(new JsonObject { ["enabled"] = false, ["min_gap_ms"] = 0, ["jitter_ms"] = 0, ["typing_ms_per_char"] = 0, ["typing_max_ms"] = 10000, ["new_contacts_per_hour"] = 0 }.ToJsonString(), await GetStringAsync(admin, $"/api/sessions/{pacedId}/pacing"));
        var set = await admin.PutAsJsonAsync($"/api/sessions/{pacedId}/pacing", new { min_gap_ms = 2500, jitter_ms = 0 });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        var expected = new JsonObject { ["enabled"] = true, ["min_gap_ms"] = 2500, ["jitter_ms"] = 0, ["typing_ms_per_char"] = 0, ["typing_max_ms"] = 10000, ["new_contacts_per_hour"] = 0 }.ToJsonString();
        Assert.Equal(expected, (await set.Content.ReadFromJsonAsync<JsonNode>())!.ToJsonString());
        Assert.Equal(expected, await GetStringAsync(admin, $"/api/sessions/{pacedId}/pacing"));

        using var paced = ApiClients.Line(service, pacedToken);
        using var free = ApiClients.Line(service, freeToken);
        var pacedIds = new List<string>();
        foreach (var peer in Peers)
        {
            pacedIds.Add(await SendAsync(paced, peer, "paced to " + peer));
        }

        var freeIds = new List<string>();
        foreach (var peer in Peers)
        {
            freeIds.Add(await SendAsync(free, peer, "free to " + peer));
        }

        // The last paced message waits in the queue with the time it is due.
        var waiting = await ApiClients.PollAsync(async () =>
        {
            var view = (await paced.GetFromJsonAsync<JsonNode>($"/api/messages/{pacedIds[^1]}"))!;
            return view["scheduled_at"] is not null ? view : null;
        }, "a scheduled_at on the last paced message");
        Assert.NotNull(waiting["scheduled_at"]);

        var arrivals = new Dictionary<string, long>();
        foreach (var peer in Peers)
        {
            var inbox = await ApiClients.PollAsync(async () =>
            {
                var received = await ApiClients.PhoneInboxAsync(service, peer);
                return received.Count >= 2 ? received : null;
            }, $"both texts at {peer}", seconds: 120);
            foreach (var message in inbox)
            {
                arrivals[message!["msg_id"]!.GetValue<string>()] = message["timestamp"]!.GetValue<long>();
            }
        }

        // At the server: each paced send at least 2 s after the one before; the other line was not held back by them.
        var pacedTimes = pacedIds.Select(id => arrivals[id]).ToList();
        for (var i = 1; i < pacedTimes.Count; i++)
        {
            Assert.True(pacedTimes[i] - pacedTimes[i - 1] >= 2, $"paced sends {i - 1} and {i} reached the server at {pacedTimes[i - 1]} and {pacedTimes[i]}");
        }

        Assert.All(freeIds, id => Assert.True(arrivals[id] < pacedTimes[^1], $"the free line's {id} reached the server at {arrivals[id]}, not before the last paced one at {pacedTimes[^1]}"));

        // Every paced message kept the time it was due, each after the one before by the gap at least.
        var scheduled = new List<DateTimeOffset>();
        foreach (var id in pacedIds.Skip(1))
        {
            var view = (await paced.GetFromJsonAsync<JsonNode>($"/api/messages/{id}"))!;
            scheduled.Add(view["scheduled_at"]!.GetValue<DateTimeOffset>());
        }

        for (var i = 1; i < scheduled.Count; i++)
        {
            Assert.True(scheduled[i] - scheduled[i - 1] >= TimeSpan.FromMilliseconds(2500), $"scheduled {scheduled[i - 1]:O} then {scheduled[i]:O}");
        }

        // Turned off: the line sends without waiting again, and says so.
        var off = await admin.PutAsJsonAsync($"/api/sessions/{pacedId}/pacing", new { min_gap_ms = 0 });
        Assert.Equal(new JsonObject { ["enabled"] = false, ["min_gap_ms"] = 0, ["jitter_ms"] = 0, ["typing_ms_per_char"] = 0, ["typing_max_ms"] = 10000, ["new_contacts_per_hour"] = 0 }.ToJsonString(), (await off.Content.ReadFromJsonAsync<JsonNode>())!.ToJsonString());

        // Six first messages to new contacts per hour: the five peers' were the first five, the first stranger is the
        // sixth; the second stranger waits until the first of them leaves the hour (queued, never failed, its
        // scheduled_at says when), and a chat with history is not held back by it.
        var capped = await admin.PutAsJsonAsync($"/api/sessions/{pacedId}/pacing", new { min_gap_ms = 0, new_contacts_per_hour = 6 });
        Assert.Equal(
            new JsonObject { ["enabled"] = true, ["min_gap_ms"] = 0, ["jitter_ms"] = 0, ["typing_ms_per_char"] = 0, ["typing_max_ms"] = 10000, ["new_contacts_per_hour"] = 6 }.ToJsonString(),
            (await capped.Content.ReadFromJsonAsync<JsonNode>())!.ToJsonString());
        var opener = await SendAsync(paced, Strangers[0], "hello, new here");
        var heldBack = await SendAsync(paced, Strangers[1], "hello, also new");
        var known = await SendAsync(paced, Peers[0], "to a chat with history");
        await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, Peers[0])).Count >= 3 ? "ok" : null, "the known chat's text", seconds: 120);
        await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, Strangers[0])).Count >= 1 ? "ok" : null, "the first stranger's text", seconds: 120);
        var firstView = (await paced.GetFromJsonAsync<JsonNode>($"/api/messages/{pacedIds[0]}"))!;
        var heldView = (await paced.GetFromJsonAsync<JsonNode>($"/api/messages/{heldBack}"))!;
        Assert.Equal("queued", heldView["status"]!.GetValue<string>());
        Assert.True(
            heldView["scheduled_at"]!.GetValue<DateTimeOffset>() >= firstView["scheduled_at"]!.GetValue<DateTimeOffset>().AddHours(1),
            $"held back until {heldView["scheduled_at"]}, the first new contact of the hour was due at {firstView["scheduled_at"]}");
        Assert.NotEqual("queued", (await paced.GetFromJsonAsync<JsonNode>($"/api/messages/{opener}"))!["status"]!.GetValue<string>());
        Assert.Empty(await ApiClients.PhoneInboxAsync(service, Strangers[1]));
        Assert.NotEqual("queued", (await paced.GetFromJsonAsync<JsonNode>($"/api/messages/{known}"))!["status"]!.GetValue<string>());

        off = await admin.PutAsJsonAsync($"/api/sessions/{pacedId}/pacing", new { min_gap_ms = 0 });
        Assert.True(off.IsSuccessStatusCode);
    }

    private static async Task<string> GetStringAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<JsonNode>(path))!.ToJsonString();

    private static async Task<string> SendAsync(HttpClient line, string to, string text)
    {
        var answer = await line.PostAsJsonAsync("/api/messages/send", new { to, text });
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }
}
