using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Sessions;

/// <summary>The session view's <c>reason</c> and <c>health</c>, and the <c>pairing_code</c> and <c>reason</c> events (CONTRACT.md §2).</summary>
public class SessionHealthTests
{
    private const string Owner = "15550007001";
    private const string Peer = "15550007002";

    [Fact]
    public async Task A_line_paired_by_code_shows_its_health_and_a_removed_device_its_reason_in_the_view_and_the_events()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = ApiClients.Admin(service, data.Path);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await ApiClients.AddPhoneAsync(service, Owner);
        await ApiClients.AddPhoneAsync(service, Peer);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "health", start: false);

        var fresh = await ViewAsync(admin, id);
        Assert.Equal(("stopped", null), (fresh["status"]!.GetValue<string>(), fresh["reason"]?.GetValue<string>()));
        Assert.Equal(
            """{"connected_since":null,"last_frame_at":null,"reconnects_24h":0,"send_queue":0,"webhook_backlog":0}""",
            fresh["health"]!.ToJsonString());

        using var events = await EventStreamReader.OpenAsync(admin, id, timeout.Token);
        Assert.True((await admin.PostAsync($"/api/sessions/{id}/start", null)).IsSuccessStatusCode);
        await events.UntilAsync("status", e => e["status"]!.GetValue<string>() == "scan_qr", timeout.Token);
        var asked = await admin.PostAsJsonAsync($"/api/sessions/{id}/pairing-code", new { phone = "+" + Owner });
        Assert.True(asked.IsSuccessStatusCode, await asked.Content.ReadAsStringAsync());
        var code = (await asked.Content.ReadFromJsonAsync<JsonNode>())!["code"]!.GetValue<string>();
        var (issued, _) = await events.UntilAsync("pairing_code", _ => true, timeout.Token);
        Assert.Equal((id, code, Owner), (issued["id"]!.GetValue<long>(), issued["code"]!.GetValue<string>(), issued["phone"]!.GetValue<string>()));

        // A stream opened now starts with the code the line shows (once the service's own follower has recorded it).
        var opening = await ApiClients.PollAsync(async () =>
        {
            using var late = await EventStreamReader.OpenAsync(admin, id, timeout.Token);
            using var shortly = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            shortly.CancelAfter(TimeSpan.FromSeconds(2));
            var (first, _) = await late.NextAsync(shortly.Token);
            Assert.Equal("status", first);
            try
            {
                var (second, data) = await late.NextAsync(shortly.Token);
                return second == "pairing_code" ? data : null;
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
                return null;
            }
        }, "a new stream opening with the pairing code");
        Assert.Equal(code, opening["code"]!.GetValue<string>());

        var linked = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{Owner}/link-code", new { code });
        Assert.True(linked.IsSuccessStatusCode, await linked.Content.ReadAsStringAsync());
        await events.UntilAsync("status", e => e["status"]!.GetValue<string>() == "connected", timeout.Token);

        var connected = await ViewAsync(admin, id);
        Assert.Null(connected["reason"]);
        var health = connected["health"]!;
        var since = health["connected_since"]!.GetValue<DateTimeOffset>();
        Assert.InRange(since, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True(health["last_frame_at"]!.GetValue<DateTimeOffset>() >= since.AddSeconds(-30));
        Assert.Equal(0, health["reconnects_24h"]!.GetValue<int>());

        // Webhook backlog: a receiver that is not there keeps the phone's message pending.
        var put = await admin.PutAsJsonAsync($"/api/sessions/{id}/webhook", new { url = $"http://127.0.0.1:{ClosedPort()}/hook", events = new[] { "messages.received" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var webhook = await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}/webhook");
        Assert.Equal(["messages.received"], webhook!["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.False(webhook["has_secret"]!.GetValue<bool>());
        var sent = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{Peer}/messages", new { to = Owner, text = "are you there?" });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        await ApiClients.PollAsync(async () => (await ViewAsync(admin, id))["health"]!["webhook_backlog"]!.GetValue<int>() == 1 ? "one" : null, "a webhook backlog of 1");

        // Send queue: with the server not answering, a sent message waits for its ack.
        var device = (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/accounts"))!.AsArray()
            .Single(a => a!["phone"]!.GetValue<string>() == Owner)!["devices"]!.AsArray().Select(d => d!.GetValue<string>()).Single(d => d.Contains(':', StringComparison.Ordinal));
        Assert.True((await service.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = device, kind = "mute", count = 20 })).IsSuccessStatusCode);
        using var line = ApiClients.Line(service, token);
        Assert.Equal(HttpStatusCode.Accepted, (await line.PostAsJsonAsync("/api/messages/send", new { to = Peer, text = "one moment" })).StatusCode);
        await ApiClients.PollAsync(async () => (await ViewAsync(admin, id))["health"]!["send_queue"]!.GetValue<int>() == 1 ? "one" : null, "a send queue of 1");

        // The phone unlinks the line: logged out, with the reason in the view and as a reason event.
        var unlinked = await service.Http.DeleteAsync($"/sandbox/accounts/{Owner}/devices/{device.Split(':')[1].Split('@')[0]}");
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);
        var (status, _) = await events.UntilAsync("status", e => e["status"]!.GetValue<string>() == "logged_out", timeout.Token);
        Assert.Equal("device_removed", status["reason"]!.GetValue<string>());
        var (reason, _) = await events.NextAsync(timeout.Token);
        Assert.Equal("reason", reason);
        var loggedOut = await ViewAsync(admin, id);
        Assert.Equal(("logged_out", "device_removed"), (loggedOut["status"]!.GetValue<string>(), loggedOut["reason"]!.GetValue<string>()));
        Assert.Null(loggedOut["health"]!["connected_since"]);
        Assert.Null(loggedOut["phone_jid"]);
        Assert.Equal(0, loggedOut["health"]!["send_queue"]!.GetValue<int>());
    }

    private static async Task<JsonNode> ViewAsync(HttpClient admin, long id) =>
        (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}"))!;

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
