using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests;

/// <summary>HTTP helpers for tests against the service process: clients per credential, polling, and lines paired through the sandbox.</summary>
internal static class ApiClients
{
    public static HttpClient Admin(ServiceProcess service, string dataFolder)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(dataFolder, "admin.key")));
        return client;
    }

    public static HttpClient Line(ServiceProcess service, string token)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-API-Token", token);
        return client;
    }

    /// <summary>Creates a line; returns its id and token.</summary>
    public static async Task<(long Id, string Token)> CreateLineAsync(HttpClient admin, string name, bool start)
    {
        var created = await admin.PostAsJsonAsync("/api/sessions", new { name, start });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var line = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        return (line["id"]!.GetValue<long>(), line["token"]!.GetValue<string>());
    }

    /// <summary>
    /// Creates a virtual phone (if new) and pairs the started line <paramref name="id"/> to it by QR, waiting until
    /// connected; the sandbox is the service's own (--sandbox) unless <paramref name="sandbox"/> names another.
    /// </summary>
    public static async Task PairAsync(ServiceProcess service, HttpClient admin, long id, string token, string phone, HttpClient? sandbox = null)
    {
        sandbox ??= service.Http;
        var account = await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone });
        Assert.True(account.IsSuccessStatusCode || (int)account.StatusCode == 409, await account.Content.ReadAsStringAsync());
        var qr = await PollAsync(async () =>
        {
            var answer = await admin.GetAsync($"/api/sessions/{id}/qr");
            return answer.IsSuccessStatusCode ? (await answer.Content.ReadFromJsonAsync<JsonNode>())!["qr"]!.GetValue<string>() : null;
        });
        var scan = await sandbox.PostAsJsonAsync($"/sandbox/accounts/{phone}/scan", new { qr });
        Assert.True(scan.IsSuccessStatusCode, await scan.Content.ReadAsStringAsync());
        using var line = Line(service, token);
        await PollAsync(async () => (await line.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>() == "connected" ? "ok" : null);

        // Connected means reachable: the line's prekeys are already on the server, so a phone can write to it now.
        var listed = (await sandbox.GetFromJsonAsync<JsonNode>("/sandbox/accounts"))!.AsArray().Single(a => a!["phone"]!.GetValue<string>() == phone)!;
        Assert.Equal(listed["devices"]!.AsArray().Count, listed["reachable"]!.AsArray().Count);
    }

    /// <summary>A virtual phone in the sandbox.</summary>
    public static async Task AddPhoneAsync(ServiceProcess service, string phone)
    {
        var account = await service.Http.PostAsJsonAsync("/sandbox/accounts", new { phone });
        Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
    }

    /// <summary>What a virtual phone received, decrypted.</summary>
    public static async Task<JsonArray> PhoneInboxAsync(ServiceProcess service, string phone) =>
        (await service.Http.GetFromJsonAsync<JsonNode>($"/sandbox/accounts/{phone}/messages"))!.AsArray();

    /// <summary>Polls <paramref name="probe"/> every 200 ms until it returns a value (30 s at most, or <paramref name="seconds"/>).</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T?>> probe, string? what = null, int seconds = 30)
        where T : class
    {
        for (var i = 0; i < seconds * 5; i++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{what ?? "The condition"} did not hold within {seconds} s.");
    }
}
