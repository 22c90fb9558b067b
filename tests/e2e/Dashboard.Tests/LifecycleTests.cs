using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class LifecycleTests(DashboardFixture fixture)
{
    private const string Phone = "+15550104001";

    [Fact]
    public async Task Stop_start_restart_log_out_and_delete_work_from_the_page_the_destructive_ones_only_once_confirmed_and_reasons_read_as_sentences()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "lifecycle");
        var page = session.Page;
        using var admin = fixture.Admin();
        await session.SignInAsync();
        var id = await session.CreateLineAsync("lifecycle");
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for a scan");

        await Button(page, "Stop").ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Stopped");
        await Expect(Button(page, "Start")).ToBeEnabledAsync();
        await Button(page, "Start").ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for a scan");
        await Button(page, "Restart").ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for a scan");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with WhatsApp on the phone" })).ToBeVisibleAsync();
        await PairAsync(page, session);

        // Log out: cancelled first, then confirmed.
        await Button(page, "Log out").ClickAsync();
        var logoutDialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Log the line out?" });
        await logoutDialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Connected");
        await Button(page, "Log out").ClickAsync();
        await logoutDialog.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Logged out");
        await Expect(page.Locator("p.reason")).ToHaveTextAsync(new Regex("^The line was logged out\\. Start it again"));
        await session.ShotAsync("logged-out");

        // Linked again, then the phone unlinks it: the page says so as it happens, in a sentence.
        await Button(page, "Start").ClickAsync();
        await PairAsync(page, session);
        var accounts = (await fixture.Service.Http.GetFromJsonAsync<JsonNode>("/sandbox/accounts"))!.AsArray();
        var device = accounts.Single(a => a!["phone"]!.GetValue<string>() == Phone[1..])!["devices"]!.AsArray()
            .Select(d => d!.GetValue<string>()).Single(d => d.Contains(':', StringComparison.Ordinal));
        var unlinked = await fixture.Service.Http.DeleteAsync($"/sandbox/accounts/{Phone[1..]}/devices/{device.Split(':')[1].Split('@')[0]}");
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);
        await Expect(session.StatusPill).ToHaveTextAsync("Logged out");
        await Expect(page.Locator("p.reason")).ToHaveTextAsync(new Regex("^The phone unlinked this line"));
        Assert.Equal("device_removed", (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}"))!["reason"]!.GetValue<string>());

        // The list says the same.
        await page.GetByRole(AriaRole.Link, new() { Name = "← All lines" }).ClickAsync();
        var card = page.Locator($"li[data-line='{id}']");
        await Expect(card.Locator(".pill")).ToHaveTextAsync("Logged out");
        await Expect(card.Locator("p.reason")).ToHaveTextAsync(new Regex("^The phone unlinked this line"));
        await session.ShotAsync("list");
        await card.GetByRole(AriaRole.Link, new() { Name = "lifecycle" }).ClickAsync();

        // Delete: cancelled first (nothing happens), then confirmed (gone from the page and the API).
        await Button(page, "Delete").ClickAsync();
        var deleteDialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this line?" });
        await Expect(deleteDialog).ToBeVisibleAsync();
        await session.ShotAsync("confirm-delete");
        await page.Keyboard.PressAsync("Escape");
        await Expect(deleteDialog).ToBeHiddenAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/sessions/{id}")).StatusCode);
        await Button(page, "Delete").ClickAsync();
        await deleteDialog.GetByRole(AriaRole.Button, new() { Name = "Delete line" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lines", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator($"li[data-line='{id}']")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/sessions/{id}")).StatusCode);
        session.AssertClean();
    }

    private static ILocator Button(IPage page, string name) =>
        page.GetByRole(AriaRole.Group, new() { Name = "Line actions" }).GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private static async Task PairAsync(IPage page, DashboardSession session)
    {
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for a scan");
        await page.GetByLabel("Virtual phone number", new() { Exact = true }).FillAsync(Phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Scan with a virtual phone" }).ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
    }
}
