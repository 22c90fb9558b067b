using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests;

public class SessionApiTests
{
    [Fact]
    public async Task A_line_created_over_http_pairs_through_the_sandbox_and_reports_itself()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        var admin = Admin(service, data.Path);
        Assert.Equal(HttpStatusCode.Created, (await service.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111" })).StatusCode);

        var created = await admin.PostAsJsonAsync("/api/sessions", new { name = "sales" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var line = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        var id = line["id"]!.GetValue<long>();
        var token = line["token"]!.GetValue<string>();

        var qr = await PollAsync(async () =>
        {
            var answer = await admin.GetAsync($"/api/sessions/{id}/qr");
            return answer.IsSuccessStatusCode ? (await answer.Content.ReadFromJsonAsync<JsonNode>())!["qr"]!.GetValue<string>() : null;
        });
        var png = await admin.GetAsync($"/api/sessions/{id}/qr.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var scan = await service.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/scan", new { qr });
        Assert.True(scan.IsSuccessStatusCode, await scan.Content.ReadAsStringAsync());

        using var lineClient = new HttpClient { BaseAddress = service.BaseAddress };
        lineClient.DefaultRequestHeaders.Add("X-API-Token", token);
        await PollAsync(async () => (await lineClient.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>() == "connected" ? "ok" : null);
        var me = (await lineClient.GetFromJsonAsync<JsonNode>("/api/me"))!["session"]!;
        Assert.Equal("15550001111@s.whatsapp.net", me["phone_jid"]!.GetValue<string>());
        Assert.Equal("15550001111:1@s.whatsapp.net", me["me"]!["jid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.GetAsync($"/api/sessions/{id}/qr")).StatusCode);

        var list = (await admin.GetFromJsonAsync<JsonNode>("/api/sessions"))!.AsArray();
        Assert.Equal("connected", list.Single()!["status"]!.GetValue<string>());

        // Stop and start again: it logs in with its stored credentials, no pairing.
        Assert.Equal("stopped", (await (await admin.PostAsync($"/api/sessions/{id}/stop", null)).Content.ReadFromJsonAsync<JsonNode>())!["status"]!.GetValue<string>());
        await admin.PostAsync($"/api/sessions/{id}/start", null);
        await PollAsync(async () => (await lineClient.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>() == "connected" ? "ok" : null);

        // Rotating the token: the old one stops working at once.
        var rotated = (await (await admin.PostAsync($"/api/sessions/{id}/token", null)).Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Unauthorized, (await lineClient.GetAsync("/api/status")).StatusCode);
        using var rotatedClient = new HttpClient { BaseAddress = service.BaseAddress };
        rotatedClient.DefaultRequestHeaders.Add("X-API-Token", rotated);
        Assert.Equal(HttpStatusCode.OK, (await rotatedClient.GetAsync("/api/status")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/sessions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rotatedClient.GetAsync("/api/status")).StatusCode);
        var devices = (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/accounts"))!.AsArray()[0]!["devices"]!.AsArray();
        Assert.Single(devices);
    }

    [Fact]
    public async Task A_token_reaches_only_its_own_line_and_bad_requests_get_the_contract_error()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        var admin = Admin(service, data.Path);
        var a = (await (await admin.PostAsJsonAsync("/api/sessions", new { name = "a", start = false })).Content.ReadFromJsonAsync<JsonNode>())!;
        var b = (await (await admin.PostAsJsonAsync("/api/sessions", new { name = "b", start = false })).Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal("stopped", a["status"]!.GetValue<string>());

        foreach (var line in new[] { a, b })
        {
            using var client = new HttpClient { BaseAddress = service.BaseAddress };
            client.DefaultRequestHeaders.Add("X-API-Token", line["token"]!.GetValue<string>());
            var status = (await client.GetFromJsonAsync<JsonNode>("/api/status"))!;
            Assert.Equal(line["id"]!.GetValue<long>(), status["id"]!.GetValue<long>());
            Assert.Equal(line["name"]!.GetValue<string>(), status["name"]!.GetValue<string>());
        }

        var cases = new (HttpClient Client, HttpMethod Method, string Path, string? Body, int Status, string? Param)[]
        {
            (service.Http, HttpMethod.Get, "/api/sessions", null, 401, null),
            (admin, HttpMethod.Post, "/api/sessions", "{\"name\":", 400, null),
            (admin, HttpMethod.Post, "/api/sessions", "[]", 400, null),
            (admin, HttpMethod.Post, "/api/sessions", "{}", 400, "name"),
            (admin, HttpMethod.Post, "/api/sessions", "{\"name\":42}", 400, "name"),
            (admin, HttpMethod.Post, "/api/sessions", "{\"name\":\"\"}", 400, "name"),
            (admin, HttpMethod.Post, "/api/sessions", "{\"name\":\"x\",\"start\":\"yes\"}", 400, "start"),
            (admin, HttpMethod.Post, "/api/sessions", "{\"name\":\"x\",\"webhook_url\":\"ftp://host/x\"}", 400, "webhook_url"),
            (admin, HttpMethod.Post, "/api/sessions", "{\"name\":\"x\",\"webhook_events\":[\"messages.sent\"]}", 400, "webhook_events"),
            (admin, HttpMethod.Get, "/api/sessions/999", null, 404, "id"),
            (admin, HttpMethod.Post, "/api/sessions/999/start", null, 404, "id"),
            (admin, HttpMethod.Get, $"/api/sessions/{a["id"]}/qr", null, 409, null),
            (admin, HttpMethod.Post, $"/api/sessions/{a["id"]}/pairing-code", "{\"phone\":\"call me\"}", 400, "phone"),
            (admin, HttpMethod.Post, $"/api/sessions/{a["id"]}/pairing-code", "{}", 400, "phone"),
            (admin, HttpMethod.Post, $"/api/sessions/{a["id"]}/logout", null, 409, null),
            (admin, HttpMethod.Put, $"/api/sessions/{a["id"]}/webhook", "{\"url\":\"not a url\"}", 400, "url"),
            (service.Http, HttpMethod.Get, "/api/status", null, 401, null),
        };
        foreach (var (client, method, path, body, status, param) in cases)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request);
            var error = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
            Assert.True(status == (int)response.StatusCode, $"{method} {path} {body}: expected {status}, got {(int)response.StatusCode} {error}");
            Assert.False(string.IsNullOrWhiteSpace(error["error"]!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(error["code"]!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(error["request_id"]!.GetValue<string>()));
            Assert.Equal(param, error["param"]?.GetValue<string>());
        }

        var hook = await admin.PutAsJsonAsync($"/api/sessions/{a["id"]}/webhook", new { url = "http://127.0.0.1:5678/webhook", secret = "s", events = new[] { "messages.received", "session.status" } });
        Assert.Equal(HttpStatusCode.OK, hook.StatusCode);
    }

    private static HttpClient Admin(ServiceProcess service, string dataFolder)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(dataFolder, "admin.key")));
        return client;
    }

    private static async Task<string> PollAsync(Func<Task<string?>> probe)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The condition did not hold within 30 s.");
    }
}
