using System.Text.RegularExpressions;
using WaEngine.TestKit;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class OutsideSandboxTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Without_the_sandbox_the_page_offers_no_virtual_phones_and_a_line_that_cannot_reach_its_server_says_so()
    {
        // A service pointed at a WhatsApp server that is not there (a closed port on this machine): nothing leaves it.
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, environment: new Dictionary<string, string>
        {
            ["WhatsApp__Url"] = $"ws://127.0.0.1:{ClosedPort()}/ws/chat",
        });
        var key = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin.key"))).Trim();
        await using var session = await DashboardSession.OpenAsync(fixture, "outside-sandbox", service: service, adminKey: key);
        var page = session.Page;
        await session.SignInAsync();
        await Expect(page.GetByRole(AriaRole.Note)).ToBeHiddenAsync();
        await session.CreateLineAsync("real whatsapp");

        await Expect(session.StatusPill).ToHaveTextAsync("Reconnecting", new() { Timeout = 30_000 });
        await Expect(page.Locator("p.reason")).ToHaveTextAsync(new Regex("^The line cannot reach the server"));
        await Expect(page.GetByText("No phone at hand?")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Scan with a virtual phone" })).ToHaveCountAsync(0);
        await Expect(page.GetByText("Message the line from a virtual phone")).ToHaveCountAsync(0);
        await session.ShotAsync("reconnecting");
        session.AssertClean();
    }

    private static int ClosedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
