using System.Net.Http.Json;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class PairingCodeTests(DashboardFixture fixture)
{
    private const string Phone = "15550102001";

    [Fact]
    public async Task Use_a_phone_number_instead_shows_the_code_grouped_for_reading_and_the_virtual_phone_accepts_it()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "pairing-code");
        var page = session.Page;
        Assert.True((await fixture.Service.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Phone })).IsSuccessStatusCode);
        await session.SignInAsync();
        var id = await session.CreateLineAsync("support");

        // Once the phone has the code, the first view the page reads answers late and as it was a moment earlier
        // (connecting), after the answers to later reads: the page must keep showing the newest state.
        var armed = 0;
        var late = 0;
        await page.RouteAsync($"**/api/sessions/{id}", async route =>
        {
            var answer = await route.FetchAsync();
            var body = await answer.TextAsync();
            if (Interlocked.CompareExchange(ref armed, 2, 1) == 1)
            {
                body = body.Replace("\"status\":\"connected\"", "\"status\":\"connecting\"", StringComparison.Ordinal);
                await Task.Delay(2000);
                Interlocked.Increment(ref late);
            }

            await route.FulfillAsync(new() { Response = answer, Body = body });
        });
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for a scan");

        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Use a phone number instead" });
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await page.GetByLabel("Phone number of the WhatsApp account").FillAsync("+1 555 010 2001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get pairing code" }).ClickAsync();

        var code = page.Locator("p.code");
        await Expect(code).ToHaveTextAsync(new Regex("^[0-9A-Z]{4}-[0-9A-Z]{4}$"));
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for the code");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with WhatsApp on the phone" })).ToBeHiddenAsync();
        var shown = (await code.TextContentAsync())!;
        await session.ShotAsync("code");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await session.ShotAsync("code-dark");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });

        // The virtual phone types what the page shows (grouping dash and all, as a person would).
        Interlocked.Exchange(ref armed, 1);
        var typed = await fixture.Service.Http.PostAsJsonAsync($"/sandbox/accounts/{Phone}/link-code", new { code = shown });
        Assert.True(typed.IsSuccessStatusCode, await typed.Content.ReadAsStringAsync());
        await Expect(session.StatusPill).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
        await Expect(page.Locator("p.phone")).ToHaveTextAsync(new Regex($@"^Connected as \+{Phone}"));
        await Expect(page.Locator("p.code")).ToBeHiddenAsync();
        await Task.Delay(2500);
        Assert.True(late == 1, "no late answer was given");
        await Expect(session.StatusPill).ToHaveTextAsync("Connected");
        await session.ShotAsync("connected");
        session.AssertClean();
    }
}
