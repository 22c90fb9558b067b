using System.Net;
using System.Text.Json.Nodes;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class TokenTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Rotating_asks_first_then_the_old_token_is_refused_by_the_API_and_the_n8n_node_carries_the_new_one()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "token");
        var page = session.Page;
        await session.SignInAsync();
        await session.CreateLineAsync("n8n line");
        var tokenText = page.Locator("code[data-token]");
        var first = (await tokenText.TextContentAsync())!;
        using (var line = fixture.Line(first))
        {
            Assert.Equal(HttpStatusCode.OK, (await line.GetAsync("/api/status")).StatusCode);
        }

        // The n8n node: the line's URL on this service and its token, as JSON n8n pastes.
        var node = JsonNode.Parse((await page.Locator("pre.snippet").TextContentAsync())!)!["nodes"]![0]!;
        Assert.Equal("n8n-nodes-base.httpRequest", node["type"]!.GetValue<string>());
        Assert.Equal($"{session.Origin}/api/messages/send", node["parameters"]!["url"]!.GetValue<string>());
        Assert.Equal(first, node["parameters"]!["headerParameters"]!["parameters"]![0]!["value"]!.GetValue<string>());
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy n8n node" }).ClickAsync();
        Assert.Contains(first, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"), StringComparison.Ordinal);

        // Cancelling the confirmation changes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate token" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Rotate the token?" });
        await Expect(dialog).ToBeVisibleAsync();
        await session.ShotAsync("confirm-rotation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(tokenText).ToHaveTextAsync(first);
        using (var line = fixture.Line(first))
        {
            Assert.Equal(HttpStatusCode.OK, (await line.GetAsync("/api/status")).StatusCode);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate token" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate token" }).ClickAsync();
        await Expect(tokenText).Not.ToHaveTextAsync(first);
        var second = (await tokenText.TextContentAsync())!;
        Assert.StartsWith("wae_", second, StringComparison.Ordinal);
        using (var old = fixture.Line(first))
        using (var fresh = fixture.Line(second))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/status")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/status")).StatusCode);
        }

        Assert.Contains(second, await page.Locator("pre.snippet").TextContentAsync(), StringComparison.Ordinal);
        await session.ShotAsync("rotated");

        // Shown once: back on the page later, the token is gone from it.
        await page.GetByRole(AriaRole.Link, new() { Name = "← All lines" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "n8n line" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "n8n line", Level = 1 })).ToBeVisibleAsync();
        await Expect(tokenText).ToHaveCountAsync(0);
        Assert.DoesNotContain(second, await page.Locator("pre.snippet").TextContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(second, await page.EvaluateAsync<string>("() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage)"), StringComparison.Ordinal);
        session.AssertClean();
    }
}
