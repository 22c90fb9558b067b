using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

/// <summary>
/// Reasons of the login lifecycle (WhatsApp's passkey gate, an outdated client, a temporary ban with its end): the page
/// is shown a line that reports them — the service's real answer with only status, reason and until changed, on its own
/// origin — and must say in plain words what to do.
/// </summary>
[Collection(DashboardCollection.Name)]
public class ReasonTests(DashboardFixture fixture)
{
    [Theory]
    [InlineData("passkey_required", null, "^WhatsApp wants this account's passkey before it links a new device, and only the phone can give it\\. Open WhatsApp on the phone")]
    [InlineData("client_outdated", null, "^WhatsApp refused this client's version as outdated, and no newer WhatsApp Web version could be read\\. Set WhatsApp__Version")]
    [InlineData("temporarily_banned", "2026-12-07T12:30:00+00:00", "^WhatsApp has banned this number for a while \\(until .*2026.*\\)\\. The line tries once by itself when the ban ends")]
    public async Task A_failed_line_says_what_to_do_about_its_reason(string reason, string? until, string sentence)
    {
        var untilJson = until is null ? "null" : $"\"{until}\"";
        await using var session = await DashboardSession.OpenAsync(fixture, $"reason-{reason}");
        var page = session.Page;
        using var admin = fixture.Admin();
        var created = await admin.PostAsJsonAsync("/api/sessions", new { name = reason, start = false });
        var id = (await created.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<long>();

        await page.RouteAsync($"**/api/sessions/{id}", async route =>
        {
            var real = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!;
            real["status"] = "failed";
            real["reason"] = reason;
            real["until"] = until;
            await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = real.ToJsonString() });
        });
        await page.RouteAsync($"**/api/sessions/{id}/events", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = $"event: status\ndata: {{\"id\":{id},\"status\":\"failed\",\"from\":null,\"reason\":\"{reason}\",\"at\":\"2026-12-07T10:00:00Z\"}}\n\n" +
                   $"event: reason\ndata: {{\"id\":{id},\"status\":\"failed\",\"reason\":\"{reason}\",\"until\":{untilJson},\"at\":\"2026-12-07T10:00:00Z\"}}\n\n",
        }));

        await session.SignInAsync();
        await page.GotoAsync($"/#/lines/{id}");
        await Expect(session.StatusPill).ToHaveTextAsync("Failed");
        await Expect(page.Locator("p.reason")).ToHaveTextAsync(new Regex(sentence));
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Line actions" }).GetByRole(AriaRole.Button, new() { Name = "Start", Exact = true })).ToBeEnabledAsync();
        await session.ShotAsync("reason");
        session.AssertClean();
    }
}
