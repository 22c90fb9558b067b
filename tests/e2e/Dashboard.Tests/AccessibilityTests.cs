using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public partial class AccessibilityTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Signing_in_and_creating_a_line_work_from_the_keyboard_alone()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "keyboard");
        var page = session.Page;
        await page.GotoAsync("/");
        await Expect(page.GetByLabel("Admin key")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(fixture.AdminKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lines", Level = 1 })).ToBeFocusedAsync();

        var name = page.GetByLabel("Name", new() { Exact = true });
        for (var i = 0; i < 15 && !await IsFocusedAsync(name); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(name).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("typed line");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "typed line", Level = 1 })).ToBeFocusedAsync();

        // Tab reaches the pairing controls; Enter on the toggle opens the phone-number form and focuses its field.
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Use a phone number instead" });
        for (var i = 0; i < 20 && !await IsFocusedAsync(toggle); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(toggle).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByLabel("Phone number of the WhatsApp account")).ToBeFocusedAsync();
        await session.ShotAsync("keyboard");
        session.AssertClean();
    }

    [Fact]
    public async Task Every_control_on_every_screen_has_an_accessible_name()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "names");
        var page = session.Page;
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await AssertNamedAsync(page, "sign in");

        await session.SignInAsync();
        await Expect(page.Locator("ul.lines li").First).ToBeVisibleAsync();
        await AssertNamedAsync(page, "lines");

        await session.CreateLineAsync("named controls");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with WhatsApp on the phone" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a phone number instead" }).ClickAsync();
        await AssertNamedAsync(page, "line");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await AssertNamedAsync(page, "confirmation");
        session.AssertClean();
    }

    /// <summary>
    /// Reads the page's accessibility tree (what a screen reader gets) and fails on any control without a name: an
    /// unnamed one shows as a bare role (<c>- button</c>) in Playwright's ARIA snapshot.
    /// </summary>
    private static async Task AssertNamedAsync(IPage page, string screen)
    {
        var snapshot = await page.Locator("body").AriaSnapshotAsync();
        var unnamed = snapshot.Split('\n').Where(line => Unnamed().IsMatch(line)).ToList();
        Assert.True(unnamed.Count == 0, $"{screen}: controls without an accessible name:\n{string.Join('\n', unnamed)}\n\n{snapshot}");
        Assert.Matches(Named(), snapshot);
    }

    private static Task<bool> IsFocusedAsync(ILocator locator) => locator.EvaluateAsync<bool>("element => element === document.activeElement");

    [GeneratedRegex(@"^\s*- (button|textbox|combobox|checkbox|radio|link|spinbutton|searchbox|slider|switch|img|dialog)(\s*$|:\s*$|\s*\[)")]
    private static partial Regex Unnamed();

    [GeneratedRegex(@"- button ""[^""]+""")]
    private static partial Regex Named();
}
