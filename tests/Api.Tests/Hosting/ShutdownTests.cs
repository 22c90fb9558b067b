using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Hosting;

/// <summary>SIGTERM closes the lines first, so the service ends without waiting out the web server's shutdown timeout, and the next start restores them.</summary>
public class ShutdownTests
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
}
