using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class WebhookTests(DashboardFixture fixture)
{
    private const string LinePhone = "+15550103001";
    private const string Writer = "+15550103002";

    [Fact]
    public async Task A_webhook_set_in_the_page_receives_a_virtual_phones_message_listed_as_delivered_and_a_retry_sends_it_again()
    {
        using var receiver = new WebhookReceiver();
        await using var session = await DashboardSession.OpenAsync(fixture, "webhook");
        var page = session.Page;
        await session.SignInAsync();
        await session.CreateLineAsync("webhooks");

        // Pair with the sandbox's own button: a virtual phone is created and scans the QR the line shows.
        await Expect(session.StatusPill).ToHaveTextAsync("Waiting for a scan");
        await page.GetByLabel("Virtual phone number", new() { Exact = true }).FillAsync(LinePhone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Scan with a virtual phone" }).ClickAsync();
        await Expect(session.StatusPill).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });

        await page.GetByLabel("Webhook URL", new() { Exact = true }).FillAsync(receiver.Url);
        await page.GetByLabel("Secret (optional)").FillAsync("a long shared secret");
        await Expect(page.GetByLabel("Incoming messages (messages.received)")).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save webhook" }).ClickAsync();
        await Expect(page.GetByText("Saved. New events go to this URL")).ToBeVisibleAsync();
        await Expect(page.GetByText("Deliveries are signed with a secret now.")).ToBeVisibleAsync();

        // A virtual phone writes to the line from the sandbox panel.
        await page.GetByLabel("From", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "A new virtual phone…" });
        await page.GetByLabel("New virtual phone number").FillAsync(Writer);
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Is my order on its way?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send from the virtual phone" }).ClickAsync();
        await Expect(page.GetByText(new Regex(@"^Sent from \+15550103002"))).ToBeVisibleAsync();

        var delivered = page.Locator("tr[data-status='delivered']");
        await RefreshUntilAsync(page, async () => await delivered.CountAsync() == 1);
        var row = delivered.First;
        await Expect(row).ToContainTextAsync("messages.received");
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("1");
        var deliveryId = (await row.GetAttributeAsync("data-delivery"))!;
        Assert.Equal([(deliveryId, "messages.received")], receiver.Received.ToArray());
        await session.ShotAsync("delivered");

        // Retry by hand: the same delivery goes out again, under the same id.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Retry delivery {deliveryId}" }).ClickAsync();
        await RefreshUntilAsync(page, async () => await page.Locator($"tr[data-delivery='{deliveryId}'][data-status='delivered'] td:nth-child(3)").TextContentAsync() == "2");
        Assert.Equal([(deliveryId, "messages.received"), (deliveryId, "messages.received")], receiver.Received.ToArray());
        await session.ShotAsync("retried");
        session.AssertClean();
    }

    /// <summary>Clicks "Refresh deliveries" until <paramref name="done"/> holds (30 s at most), as a person would.</summary>
    private static async Task RefreshUntilAsync(IPage page, Func<Task<bool>> done)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(500);
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh deliveries" }).ClickAsync();
        }

        Assert.Fail("The deliveries list did not show what was expected within 30 s.");
    }
}
