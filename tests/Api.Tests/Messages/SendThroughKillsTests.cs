using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Api.Tests.Messages;

/// <summary>
/// Outbound messages through SIGKILLs of the service: every send the API accepted reaches the phone, and the line's
/// store holds each exactly once — also for sends whose answer was lost in a kill and that the client retried with
/// the same Idempotency-Key.
/// </summary>
public sealed class SendThroughKillsTests(ITestOutputHelper output)
{
    private const string LinePhone = "15550200000";
    private const string PeerPhone = "15550200001";

    [Fact]
    public async Task Sends_accepted_before_and_between_kills_all_reach_the_phone_once_in_the_store()
    {
        const int total = 90;
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "service");
        Directory.CreateDirectory(data);
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        await sandbox.CreateAccountAsync(LinePhone);
        await sandbox.CreateAccountAsync(PeerPhone);
        var (wsUrl, rootKey) = await sandbox.InfoAsync();
        var environment = new Dictionary<string, string>
        {
            ["WhatsApp__Url"] = wsUrl.ToString(),
            ["WhatsApp__TrustedRootKey"] = Convert.ToBase64String(rootKey),
            ["Logging__LogLevel__Default"] = "Warning",
        };

        var service = await ServiceProcess.StartAsync(data, environment: environment);
        try
        {
            using var admin = ApiClients.Admin(service, data);
            var (id, token) = await ApiClients.CreateLineAsync(admin, "kills", start: true);
            await ApiClients.PairAsync(service, admin, id, token, LinePhone, sandbox.Http);
            var accepted = new List<string>();
            var kills = 0;
            var inFlightAtKills = new List<string>();
            for (var i = 0; i < total; i++)
            {
                var key = $"send-{i}";
                var body = new { to = "+" + PeerPhone, text = $"message {i} through the kills" };
                string? msgId = null;
                for (var attempt = 0; msgId is null; attempt++)
                {
                    Assert.True(attempt < 20, $"send {i} never got an answer");
                    try
                    {
                        msgId = await SendAsync(service, token, key, body);
                    }
                    catch (HttpRequestException)
                    {
                        // The service is down (killed mid-request): wait for it, then send again under the same key.
                        await Task.Delay(200);
                    }
                }

                accepted.Add(msgId);
                if (i % 30 == 17)
                {
                    // SIGKILL right after a burst: messages are queued, sending or sent-but-unacknowledged.
                    using (var probe = ApiClients.Line(service, token))
                    {
                        var last = await probe.GetFromJsonAsync<JsonNode>($"/api/messages/{msgId}");
                        inFlightAtKills.Add(last!["status"]!.GetValue<string>());
                    }

                    await service.DisposeAsync();
                    kills++;
                    service = await ServiceProcess.StartAsync(data, environment: environment);
                }
            }

            Assert.Equal(total, accepted.Distinct().Count());
            var received = await WaitForPhoneAsync(sandbox, accepted);
            Assert.All(accepted, msgId => Assert.Contains(msgId, received));

            using var line = ApiClients.Line(service, token);
            foreach (var msgId in accepted)
            {
                await ApiClients.PollAsync(async () =>
                {
                    var view = await line.GetFromJsonAsync<JsonNode>($"/api/messages/{msgId}");
                    var name = view!["status"]!.GetValue<string>();
                    return name is "delivery_ack" or "read" ? name : null;
                }, $"{msgId} delivered", seconds: 60);
            }

            await service.DisposeAsync();
            var stored = await StoredOutboundAsync(Path.Combine(data, "lines", $"{id}.db"));
            Assert.Equal(total, stored.Count);
            Assert.Equal(accepted.Order(), stored.Order());
            output.WriteLine($"{total} sends, {kills} SIGKILLs (status of the last accepted send at each kill: {string.Join(", ", inFlightAtKills)}), {received.Count} distinct ids at the phone, {stored.Count} rows in the store");
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    private static async Task<string> SendAsync(ServiceProcess service, string token, string idempotencyKey, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-API-Token", token);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var answer = await service.Http.SendAsync(request);
        if (answer.StatusCode == HttpStatusCode.Forbidden)
        {
            // Just restarted: the line is not back yet; the client's retry comes after a pause.
            throw new HttpRequestException("line not ready");
        }

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var json = (await answer.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.True(json["queued"]!.GetValue<bool>());
        return json["msg_id"]!.GetValue<string>();
    }

    private static async Task<HashSet<string>> WaitForPhoneAsync(RunningSandbox sandbox, IReadOnlyCollection<string> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var seen = new HashSet<string>();
        while (DateTime.UtcNow < deadline)
        {
            var messages = await sandbox.GetJsonAsync($"/sandbox/accounts/{PeerPhone}/messages");
            seen = messages.AsArray().Select(m => m!["msg_id"]!.GetValue<string>()).ToHashSet();
            if (expected.All(seen.Contains))
            {
                break;
            }

            await Task.Delay(250);
        }

        return seen;
    }

    private static async Task<List<string>> StoredOutboundAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT msg_id FROM messages WHERE from_me = 1")).ToList();
    }
}
