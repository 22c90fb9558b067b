using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.RateLimiting;

public class RateLimitTests
{
    [Fact]
    public async Task A_token_over_its_limits_gets_429_with_retry_after_and_other_tokens_do_not()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string>
        {
            ["Api__RateLimit__SendsPerSecond"] = "1",
            ["Api__RateLimit__SendBurst"] = "3",
            ["Api__RateLimit__RequestsPerSecond"] = "1",
            ["Api__RateLimit__RequestBurst"] = "5",
        });
        using var admin = ApiClients.Admin(service, data.Path);
        var (_, first) = await ApiClients.CreateLineAsync(admin, "busy", start: false);
        var (_, second) = await ApiClients.CreateLineAsync(admin, "quiet", start: false);
        using var busy = ApiClients.Line(service, first);
        using var quiet = ApiClients.Line(service, second);

        // Sends: the burst passes on to the line (403, it is stopped), the next one is refused before anything else.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await busy.PostAsJsonAsync("/api/messages/send", new { to = "15550007777", text = "hi" })).StatusCode);
        }

        var limited = await busy.PostAsJsonAsync("/api/messages/send", new { to = "15550007777", text = "hi" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 2);
        var error = (await limited.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal("rate_limited", error["code"]!.GetValue<string>());
        Assert.Contains("sends", error["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error["request_id"]!.GetValue<string>()));

        // Reads have their own bucket; another token has its own buckets.
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await quiet.PostAsJsonAsync("/api/messages/send", new { to = "15550007777", text = "hi" })).StatusCode);
        var reads = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            reads.Add((await quiet.GetAsync("/api/chats")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, reads);

        // After Retry-After the token may send again.
        await Task.Delay(TimeSpan.FromSeconds(retryAfter));
        Assert.Equal(HttpStatusCode.Forbidden, (await busy.PostAsJsonAsync("/api/messages/send", new { to = "15550007777", text = "hi" })).StatusCode);

        // The admin API is not limited per line token.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/sessions")).StatusCode);
        }
    }

    [Theory]
    [InlineData("Api__RateLimit__SendsPerSecond", "0", "Api:RateLimit:SendsPerSecond")]
    [InlineData("Api__RateLimit__SendBurst", "5", "SendBurst (5) is below SendsPerSecond (20)")]
    [InlineData("Api__IdempotencyRetention", "00:00:10", "Api:IdempotencyRetention")]
    [InlineData("Api__EventsKeepAlive", "soon", "EventsKeepAlive")]
    public async Task Wrong_api_settings_stop_the_service_at_start_with_the_reason(string name, string value, string reason)
    {
        using var data = new TempFolder();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServiceProcess.StartAsync(data.Path, environment: new Dictionary<string, string> { [name] = value }));
        Assert.Contains("exited with 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
    }
}
