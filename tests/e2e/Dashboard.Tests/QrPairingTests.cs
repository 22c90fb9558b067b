using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class QrPairingTests(DashboardFixture fixture)
{
    private const string Phone = "15550101001";

    [Fact]
    public async Task A_line_created_in_the_page_shows_the_QR_the_API_reports_replaces_it_when_the_ref_rotates_and_turns_connected_when_a_virtual_phone_scans_it()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "qr-pairing");
        var page = session.Page;
        using var admin = fixture.Admin();
        await session.SignInAsync();
        var id = await session.CreateLineAsync("sales");

        // The token, once, with a copy button that really copies it.
        var token = await page.Locator("code[data-token]").TextContentAsync();
        Assert.StartsWith("wae_", token, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy token" }).ClickAsync();
        Assert.Equal(token, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // The QR the page shows is the ref the API reports.
        var image = page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with WhatsApp on the phone" });
        await Expect(image).ToBeVisibleAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for a scan");
        var first = await ReadShownQrAsync(image);
        Assert.Equal(await ApiQrAsync(admin, id), first);
        Assert.StartsWith("https://wa.me/settings/linked_devices#", first, StringComparison.Ordinal);
        await Expect(page.Locator(".countdown")).ToHaveTextAsync(new Regex(@"^New code in \d+ s$"));
        await session.ShotAsync("qr");

        // The page stays where it is from now on: a reload would lose this marker.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        // The line rotates to its next ref (the first lives 60 s): the page shows the new one without being asked.
        string? second = null;
        for (var i = 0; i < 45 && (second is null || second == first); i++)
        {
            await Task.Delay(2000);
            second = await QrImage.ReadAsync(image);
        }

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Equal(await ApiQrAsync(admin, id), second);
        await session.ShotAsync("qr-rotated");

        // A virtual phone scans exactly what the page shows.
        Assert.True((await fixture.Service.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Phone, push_name = "Sales phone" })).IsSuccessStatusCode);
        var scan = await fixture.Service.Http.PostAsJsonAsync($"/sandbox/accounts/{Phone}/scan", new { qr = second });
        Assert.True(scan.IsSuccessStatusCode, await scan.Content.ReadAsStringAsync());

        await Expect(session.StatusPill).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
        await Expect(page.Locator("p.phone")).ToHaveTextAsync(new Regex($@"^Connected as \+{Phone}"));
        await Expect(image).ToBeHiddenAsync();
        await Expect(page.Locator(".figure", new() { HasText = "Connected since" }).Locator("dd")).Not.ToHaveTextAsync("—");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page reloaded");
        Assert.Equal("connected", (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}"))!["status"]!.GetValue<string>());
        await session.ShotAsync("connected");
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ScreenshotFolder, "readme-paired-line.png") });
        session.AssertClean();
    }

    /// <summary>Reads the QR the page shows, waiting briefly while a new image is still being put in place.</summary>
    internal static async Task<string> ReadShownQrAsync(ILocator image)
    {
        var shown = Array.Empty<byte>();
        for (var i = 0; i < 20; i++)
        {
            shown = await image.ScreenshotAsync();
            if (QrImage.Decode(shown) is { } text)
            {
                return text;
            }

            await Task.Delay(250);
        }

        var kept = Path.Combine(DashboardFixture.ScreenshotFolder, $"unreadable-qr-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(kept, shown);
        throw new InvalidOperationException($"The QR image the page shows cannot be read (kept as {kept}).");
    }

    internal static async Task<string> ApiQrAsync(HttpClient admin, long id) =>
        (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}/qr"))!["qr"]!.GetValue<string>();
}
