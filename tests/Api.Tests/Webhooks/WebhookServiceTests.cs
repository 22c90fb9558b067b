using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>Webhooks through the running service: session.status on request, the deliveries endpoint, retry by hand, URL checks.</summary>
public sealed class WebhookServiceTests
{
    private const string Secret = "service-test-secret";

    [Fact]
    public async Task Session_status_changes_are_delivered_when_asked_for_and_the_admin_can_list_read_and_retry_deliveries()
    {
        using var data = new TempFolder();
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"));
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = Admin(service, data.Path);
        var created = await admin.PostAsJsonAsync("/api/sessions", new { name = "hooked", webhook_url = receiver.Url.ToString(), webhook_secret = Secret, webhook_events = new[] { "session.status" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<long>();

        // The line starts toward scan_qr; each status change reaches the receiver, signed, in order.
        await PollAsync(() => Task.FromResult(receiver.Requests().Any(r => r.Json["data"]!["status"]!.GetValue<string>() == "scan_qr")));
        var requests = receiver.Requests();
        Assert.All(requests, r => Assert.True(r.SignatureValid(Secret)));
        Assert.All(requests, r => Assert.Equal("session.status", r.Event));
        var statuses = requests.Select(r => r.Json["data"]!["status"]!.GetValue<string>()).ToList();
        Assert.Equal("starting", statuses[0]);
        Assert.Equal(id, requests[0].Json["session"]!["id"]!.GetValue<long>());
        Assert.Equal(requests.Select(r => r.Delivery).Order(StringComparer.Ordinal), requests.Select(r => r.Delivery).Distinct().Order(StringComparer.Ordinal));

        // The receiver has its answer before the service has recorded it: wait for the record, then look at it.
        await PollAsync(async () => (await admin.GetFromJsonAsync<JsonArray>($"/api/sessions/{id}/webhook/deliveries"))![0]!["status"]!.GetValue<string>() == "delivered");
        var list = (await admin.GetFromJsonAsync<JsonArray>($"/api/sessions/{id}/webhook/deliveries"))!;
        var newest = list[0]!;
        Assert.Equal(requests[^1].Delivery, newest["delivery_id"]!.GetValue<string>());
        Assert.Equal(("delivered", 1, 200), (newest["status"]!.GetValue<string>(), newest["attempts"]!.GetValue<int>(), newest["last_status_code"]!.GetValue<int>()));
        Assert.Null(newest["chat_jid"]);
        Assert.Null(newest["body"]);
        Assert.Null(newest["next_attempt_at"]);
        Assert.Single((await admin.GetFromJsonAsync<JsonArray>($"/api/sessions/{id}/webhook/deliveries?status=delivered&limit=1"))!);
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>($"/api/sessions/{id}/webhook/deliveries?status=failed"))!);

        var first = requests[0];
        var one = (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}/webhook/deliveries/{first.Delivery}"))!;
        Assert.True(JsonNode.DeepEquals(first.Json, one["body"]));

        // A retry by hand sends the same bytes under the same id again.
        var retry = await admin.PostAsync($"/api/sessions/{id}/webhook/deliveries/{first.Delivery}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("pending", (await retry.Content.ReadFromJsonAsync<JsonNode>())!["status"]!.GetValue<string>());
        await PollAsync(() => Task.FromResult(receiver.Requests().Count(r => r.Delivery == first.Delivery) == 2));
        var again = receiver.Requests().Last(r => r.Delivery == first.Delivery);
        Assert.Equal(first.Body, again.Body);
        Assert.True(again.SignatureValid(Secret));
        await PollAsync(async () => (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}/webhook/deliveries/{first.Delivery}"))!["attempts"]!.GetValue<int>() == 2);
    }

    [Fact]
    public async Task Bad_requests_get_the_contract_error_naming_the_field_and_local_receivers_are_allowed()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path);
        using var admin = Admin(service, data.Path);
        var line = (await (await admin.PostAsJsonAsync("/api/sessions", new { name = "a", start = false, webhook_url = "http://localhost:5678/webhook/waengine" })).Content.ReadFromJsonAsync<JsonNode>())!;
        var id = line["id"]!.GetValue<long>();

        var cases = new (HttpMethod Method, string Path, string? Body, int Status, string? Param, string Says)[]
        {
            (HttpMethod.Post, "/api/sessions", "{\"name\":\"x\",\"webhook_url\":\"http://user:pw@n8n/webhook\"}", 400, "webhook_url", "user info"),
            (HttpMethod.Post, "/api/sessions", "{\"name\":\"x\",\"webhook_url\":\"/webhook\"}", 400, "webhook_url", "not an absolute URL"),
            (HttpMethod.Post, "/api/sessions", "{\"name\":\"x\",\"webhook_url\":\"\"}", 400, "webhook_url", "without spaces"),
            (HttpMethod.Put, $"/api/sessions/{id}/webhook", "{\"url\":\"ftp://n8n/webhook\"}", 400, "url", "only http:// and https://"),
            (HttpMethod.Put, $"/api/sessions/{id}/webhook", "{\"url\":\"http://127.0.0.1:5678/webhook\",\"events\":[\"messages.sent\"]}", 400, "events", "not an event"),
            (HttpMethod.Get, "/api/sessions/999/webhook/deliveries", null, 404, "id", "no session 999"),
            (HttpMethod.Get, $"/api/sessions/{id}/webhook/deliveries?status=lost", null, 400, "status", "pending, delivered or failed"),
            (HttpMethod.Get, $"/api/sessions/{id}/webhook/deliveries?limit=0", null, 400, "limit", "1 to 500"),
            (HttpMethod.Get, $"/api/sessions/{id}/webhook/deliveries?limit=ten", null, 400, "limit", "1 to 500"),
            (HttpMethod.Get, $"/api/sessions/{id}/webhook/deliveries/wd_{id}_42", null, 404, "delivery_id", "no webhook delivery"),
            (HttpMethod.Post, $"/api/sessions/{id}/webhook/deliveries/wd_{id}_42/retry", null, 404, "delivery_id", "no webhook delivery"),
            (HttpMethod.Delete, "/api/sessions/999/webhook", null, 404, "id", "no session 999"),
        };
        foreach (var (method, path, body, status, param, says) in cases)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            var response = await admin.SendAsync(request);
            var error = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
            Assert.True(status == (int)response.StatusCode, $"{method} {path} {body}: expected {status}, got {(int)response.StatusCode} {error}");
            Assert.Equal(param, error["param"]?.GetValue<string>());
            Assert.Contains(says, error["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(error["request_id"]?.GetValue<string>()));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Http.GetAsync($"/api/sessions/{id}/webhook/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/sessions/{id}/webhook", new { url = "http://[::1]:5678/webhook" })).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>($"/api/sessions/{id}/webhook/deliveries"))!);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/sessions/{id}/webhook")).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>($"/api/sessions/{id}/webhook/deliveries"))!);
    }

    [Fact]
    public async Task A_wrong_webhooks_setting_stops_the_service_at_start_with_the_reason()
    {
        using var data = new TempFolder();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string> { ["Webhooks__Timeout"] = "00:00:00" }));
        Assert.Contains("exited with 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks__Timeout", failure.Message, StringComparison.Ordinal);
    }

    private static HttpClient Admin(ServiceProcess service, string dataFolder)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(dataFolder, "admin.key")));
        return client;
    }

    private static async Task PollAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The condition did not hold within 30 s.");
    }
}
