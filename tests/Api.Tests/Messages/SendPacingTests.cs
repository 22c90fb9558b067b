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
        foreach (var peer in Peers)
        {
            await ApiClients.AddPhoneAsync(service, peer);
        }

        // 2.5 s between sends to different chats, so the server's whole-second timestamps are at least 2 s apart.
        Assert.Equal(new JsonObject { ["enabled"] = false, ["min_gap_ms"] = 0, ["jitter_ms"] = 0 }.ToJsonString(), await GetStringAsync(admin, $"/api/sessions/{pacedId}/pacing"));
        var set = await admin.PutAsJsonAsync($"/api/sessions/{pacedId}/pacing", new { min_gap_ms = 2500, jitter_ms = 0 });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        var expected = new JsonObject { ["enabled"] = true, ["min_gap_ms"] = 2500, ["jitter_ms"] = 0 }.ToJsonString();
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
        Assert.Equal(new JsonObject { ["enabled"] = false, ["min_gap_ms"] = 0, ["jitter_ms"] = 0 }.ToJsonString(), (await off.Content.ReadFromJsonAsync<JsonNode>())!.ToJsonString());
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
