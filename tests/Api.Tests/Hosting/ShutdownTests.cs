using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Api.Tests.Hosting;

/// <summary>SIGTERM closes the lines first, so the service ends without waiting out the web server's shutdown timeout, and the next start restores them.</summary>
public class ShutdownTests(ITestOutputHelper log)
{
    private const string Peer = "15550008402";

    [Fact]
    public async Task Sigterm_closes_every_line_before_the_web_server_stops_and_the_next_start_restores_them_with_their_messages()
    {
        using var data = new TempFolder();
        string[] owners = ["15550008411", "15550008412", "15550008413"];
        var lines = new List<(long Id, string Token, string MsgId)>();
        string output;
        await using (var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string>
        {
            // Kestrel reports connections it had to abort at shutdown only at Debug.
            ["Logging__LogLevel__Microsoft.AspNetCore.Server.Kestrel"] = "Debug",
        }))
        {
            using var admin = ApiClients.Admin(service, data.Path);
            await ApiClients.AddPhoneAsync(service, Peer);
            foreach (var owner in owners)
            {
                var (id, token) = await ApiClients.CreateLineAsync(admin, "line " + owner, start: true);
                await ApiClients.PairAsync(service, admin, id, token, owner);
                using var line = ApiClients.Line(service, token);
                var sent = await line.PostAsJsonAsync("/api/messages/send", new { to = Peer, text = "before the shutdown from " + owner });
                Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
                var msgId = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
                await ApiClients.PollAsync(async () => (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{msgId}"))!["status"]!.GetValue<string>() is "server_ack" or "delivery_ack" or "read" ? "acked" : null, "the message acked");
                lines.Add((id, token, msgId));
            }

            // A generous bound that only a hang misses: the host's own shutdown timeout is 8 s.
            var exitCode = await service.TerminateAsync(TimeSpan.FromSeconds(60));
            output = service.Output;
            Assert.True(exitCode == 0, $"exit code {exitCode}; the service's output:\n{output[^Math.Min(output.Length, 6000)..]}");
        }

        var shutdown = output[output.IndexOf("Application is shutting down", StringComparison.Ordinal)..];
        Assert.Contains($"Shutting down: {owners.Length} lines closed", shutdown, StringComparison.Ordinal);
        // Before the fix the web server waited for the lines' sandbox websockets until its timeout, aborted them, and the
        // lines saw a lost connection and began to reconnect in a service that was going away.
        Assert.DoesNotContain("failed to close gracefully", shutdown, StringComparison.Ordinal);
        Assert.DoesNotContain("-> reconnecting", shutdown, StringComparison.Ordinal);

        await using (var again = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]))
        {
            foreach (var (id, token, msgId) in lines)
            {
                using var line = ApiClients.Line(again, token);
                await ApiClients.PollAsync(async () => (await line.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>() == "connected" ? "yes" : null, $"line {id} restored and connected");
                var message = (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{msgId}"))!;
                Assert.Equal(msgId, message["msg_id"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task Sigterm_with_50_connected_lines_in_sandbox_mode_closes_them_all_within_the_shutdown_timeout_and_the_next_start_sends_what_was_left_in_their_queues()
    {
        using var data = new TempFolder();
        const int count = 50;
        const string peer = "15550008499";
        var lines = new List<(long Id, string Token, string Phone)>();
        var unacked = new List<(string Token, string MsgId)>();
        string output;
        TimeSpan took;
        await using (var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]))
        {
            using var admin = ApiClients.Admin(service, data.Path);
            await ApiClients.AddPhoneAsync(service, peer);
            for (var i = 0; i < count; i++)
            {
                var (id, token) = await ApiClients.CreateLineAsync(admin, $"line {i}", start: true);
                lines.Add((id, token, $"155500085{i:00}"));
            }

            // Paired ten at a time, as a user would link a batch of phones.
            foreach (var batch in lines.Chunk(10))
            {
                await Task.WhenAll(batch.Select(l => ApiClients.PairAsync(service, admin, l.Id, l.Token, l.Phone)));
            }

            // Five lines lose their server's answers: what they send stays in their queues, written but never acked.
            var devices = (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/accounts"))!.AsArray();
            foreach (var (_, token, phone) in lines.Take(5))
            {
                var device = devices.Single(a => a!["phone"]!.GetValue<string>() == phone)!["devices"]!.AsArray()
                    .Select(d => d!.GetValue<string>()).Single(d => d.Contains(':', StringComparison.Ordinal));
                var muted = await service.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = device, kind = "mute", ms = 600_000 });
                Assert.True(muted.IsSuccessStatusCode, await muted.Content.ReadAsStringAsync());
                using var line = ApiClients.Line(service, token);
                var sent = await line.PostAsJsonAsync("/api/messages/send", new { to = peer, text = "left in the queue of " + phone });
                Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
                unacked.Add((token, (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>()));
            }

            // The others are connected (the muted five leave connected once their keepalive notices the silence).
            var sessions = (await admin.GetFromJsonAsync<JsonNode>("/api/sessions"))!.AsArray();
            Assert.True(sessions.Count(s => s!["status"]!.GetValue<string>() == "connected") >= count - 5, sessions.ToJsonString());

            // A generous bound that only a hang misses; the host's shutdown timeout (8 s) is what bounds it in fact.
            var clock = Stopwatch.StartNew();
            var exitCode = await service.TerminateAsync(TimeSpan.FromSeconds(60));
            took = clock.Elapsed;
            output = service.Output;
            Assert.True(exitCode == 0, $"exit code {exitCode}; the service's output:\n{output[^Math.Min(output.Length, 6000)..]}");
        }

        log.WriteLine($"SIGTERM with {count} connected lines (--sandbox): the process ended {took.TotalSeconds:0.0} s later");
        var shutdown = output[output.IndexOf("Application is shutting down", StringComparison.Ordinal)..];
        Assert.Contains($"Shutting down: {count} lines closed in", shutdown, StringComparison.Ordinal);
        Assert.DoesNotContain("shutdown timeout ended", shutdown, StringComparison.Ordinal);
        Assert.DoesNotContain("-> reconnecting", shutdown, StringComparison.Ordinal);

        // The next start restores every line, and the messages the muted server never acked go out again and arrive.
        await using var again = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var adminAgain = ApiClients.Admin(again, data.Path);
        await ApiClients.PollAsync(async () => (await adminAgain.GetFromJsonAsync<JsonNode>("/api/sessions"))!.AsArray().All(s => s!["status"]!.GetValue<string>() == "connected") ? "all" : null,
            $"all {count} lines restored and connected", seconds: 300);
        foreach (var (token, msgId) in unacked)
        {
            using var line = ApiClients.Line(again, token);
            await ApiClients.PollAsync(async () => (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{msgId}"))!["status"]!.GetValue<string>() is "server_ack" or "delivery_ack" or "read" ? "acked" : null,
                $"message {msgId} sent again and acked", seconds: 120);
        }

        var inbox = await ApiClients.PhoneInboxAsync(again, peer);
        Assert.All(unacked, u => Assert.Single(inbox, m => m!["msg_id"]!.GetValue<string>() == u.MsgId));
    }
}
