using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests.Sessions;

/// <summary>
/// The login lifecycle through the service in sandbox mode (CONTRACT §1 and §2): the WhatsApp Web version it reads from
/// the sandbox's sw.js at start (R8), and a temporary ban's reason and until in the session view and the events (R9).
/// </summary>
[Collection(LineApiCollection.Name)]
public class LoginLifecycleApiTests(LineApiFixture fixture)
{
    [Fact]
    public async Task R8_the_service_announces_the_version_it_read_from_sw_js_so_a_minimum_above_its_built_in_one_still_lets_its_lines_in()
    {
        var published = (await fixture.Service.Http.GetFromJsonAsync<JsonNode>("/sandbox/client-version"))!["published"]!.GetValue<string>();
        await ApiClients.PollAsync(async () => (await fixture.Service.Http.GetFromJsonAsync<JsonNode>("/health"))!["whatsapp_version"]!.GetValue<string>() == published ? "read" : null, "the service reading sw.js at start");
        var health = (await fixture.Service.Http.GetFromJsonAsync<JsonNode>("/health"))!;
        Assert.Null(health["whatsapp_version_error"]);

        var before = await R8BreachesAsync();
        var minimum = (await fixture.Service.Http.GetFromJsonAsync<JsonNode>("/sandbox/client-version"))!["minimum"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await fixture.Service.Http.PutAsJsonAsync("/sandbox/client-version", new { minimum = "2.3000.1045000000" })).StatusCode);
        try
        {
            using var admin = ApiClients.Admin(fixture.Service, fixture.DataFolder);
            var (id, token) = await ApiClients.CreateLineAsync(admin, "fresh-version", start: true);
            await ApiClients.PairAsync(fixture.Service, admin, id, token, "15550006801");
            Assert.Equal(before, await R8BreachesAsync());
            Assert.True((await admin.PostAsync($"/api/sessions/{id}/stop", null)).IsSuccessStatusCode);
        }
        finally
        {
            await fixture.Service.Http.PutAsJsonAsync("/sandbox/client-version", new { minimum });
        }
    }

    [Fact]
    public async Task R9_a_temporarily_banned_line_shows_its_reason_and_until_in_the_view_and_the_events()
    {
        using var admin = ApiClients.Admin(fixture.Service, fixture.DataFolder);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "banned", start: true);
        await ApiClients.PairAsync(fixture.Service, admin, id, token, "15550006802");
        var banned = await fixture.Service.Http.PostAsJsonAsync("/sandbox/accounts/15550006802/login-refusal", new { reason = 402, code = "101", expire = 7200 });
        Assert.Equal(HttpStatusCode.OK, banned.StatusCode);
        try
        {
            var asked = DateTimeOffset.UtcNow;
            Assert.True((await admin.PostAsync($"/api/sessions/{id}/restart", null)).IsSuccessStatusCode);
            var view = await ApiClients.PollAsync(async () =>
            {
                var current = (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}"))!;
                return current["status"]!.GetValue<string>() == "failed" ? current : null;
            }, "the line failing with the ban");

            Assert.Equal("temporarily_banned", view["reason"]!.GetValue<string>());
            var until = view["until"]!.GetValue<DateTimeOffset>();
            Assert.Equal(TimeSpan.Zero, until.Offset);
            Assert.InRange(until, asked.AddSeconds(7200 - 5), DateTimeOffset.UtcNow.AddSeconds(7200 + 5));

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var reader = await EventStreamReader.OpenAsync(admin, id, timeout.Token);
            var (data, _) = await reader.UntilAsync("reason", _ => true, timeout.Token);
            Assert.Equal("temporarily_banned", data["reason"]!.GetValue<string>());
            Assert.Equal(until, data["until"]!.GetValue<DateTimeOffset>());
        }
        finally
        {
            await fixture.Service.Http.DeleteAsync("/sandbox/accounts/15550006802/login-refusal");
            await admin.PostAsync($"/api/sessions/{id}/stop", null);
        }

        // Stopped by hand: nothing to explain any more, and no end to show.
        var stopped = (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}"))!;
        Assert.Null(stopped["reason"]);
        Assert.Null(stopped["until"]);
    }

    private async Task<long> R8BreachesAsync() =>
        (await fixture.Service.Http.GetFromJsonAsync<JsonNode>("/sandbox/rules"))!["breaches"]!["R8"]!.GetValue<long>();
}
