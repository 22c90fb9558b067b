using System.Net.Http.Json;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class NarrowScreenTests(DashboardFixture fixture)
{
    private const string LinePhone = "+15550105001";

    [Fact]
    public async Task At_390_px_every_step_fits_the_screen_with_no_horizontal_scroll()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "narrow-390", width: 390, height: 844);
        var page = session.Page;
        using var receiver = new WebhookReceiver();
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await session.AssertNoHorizontalScrollAsync("sign in");
        await session.ShotAsync("sign-in");

        await session.SignInAsync();
        await session.AssertNoHorizontalScrollAsync("lines");
        await session.ShotAsync("lines");

        await session.CreateLineAsync("a line with quite a long name for a small phone screen");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with WhatsApp on the phone" })).ToBeVisibleAsync();
        await session.AssertNoHorizontalScrollAsync("QR and token");
        await session.ShotAsync("qr");

        await page.GetByRole(AriaRole.Button, new() { Name = "Use a phone number instead" }).ClickAsync();
        Assert.True((await fixture.Service.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = LinePhone })).IsSuccessStatusCode);
        await page.GetByLabel("Phone number of the WhatsApp account").FillAsync(LinePhone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get pairing code" }).ClickAsync();
        await Expect(page.Locator("p.code")).ToBeVisibleAsync();
        await session.AssertNoHorizontalScrollAsync("pairing code");
        await session.ShotAsync("code");

        await page.GetByRole(AriaRole.Button, new() { Name = "Type the code on the virtual phone" }).ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
        await page.GetByLabel("Webhook URL", new() { Exact = true }).FillAsync(receiver.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save webhook" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send from the virtual phone" }).ClickAsync();
        for (var i = 0; i < 60 && await page.Locator("tr[data-status='delivered']").CountAsync() == 0; i++)
        {
            await Task.Delay(500);
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh deliveries" }).ClickAsync();
        }

        await Expect(page.Locator("tr[data-status='delivered']")).ToHaveCountAsync(1);
        await session.AssertNoHorizontalScrollAsync("connected, with a delivery");
        await session.ShotAsync("connected");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await session.AssertNoHorizontalScrollAsync("confirmation");
        await session.ShotAsync("confirm");
        session.AssertClean();
    }
}
