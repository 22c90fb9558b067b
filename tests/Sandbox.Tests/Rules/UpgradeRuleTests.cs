using System.Net.WebSockets;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>R10: WhatsApp's edge takes a websocket upgrade only with WhatsApp Web's origin and nothing a browser would not send.</summary>
public class UpgradeRuleTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("https://evil.example", null)]
    [InlineData("https://web.whatsapp.com", "traceparent")]
    [InlineData("https://web.whatsapp.com", "Request-Id")]
    public async Task R10_a_strict_sandbox_refuses_an_upgrade_a_browser_would_not_make(string? origin, string? tracingHeader)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(sandbox, origin, tracingHeader));

        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R10));
    }

    [Fact]
    public async Task R10_the_upgrade_WhatsApp_Web_makes_is_taken()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        using var socket = await ConnectAsync(sandbox, "https://web.whatsapp.com", null);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R10));
    }

    [Fact]
    public async Task R10_a_lenient_sandbox_counts_the_breach_and_takes_the_upgrade()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path, strict: false);

        using var socket = await ConnectAsync(sandbox, null, null);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R10));
        var rules = await sandbox.GetJsonAsync("/sandbox/rules");
        Assert.False(rules["strict"]!.GetValue<bool>());
        Assert.Equal(1, rules["breaches"]!["R10"]!.GetValue<long>());
    }

    private static async Task<ClientWebSocket> ConnectAsync(RunningSandbox sandbox, string? origin, string? tracingHeader)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (tracingHeader is not null)
        {
            socket.Options.SetRequestHeader(tracingHeader, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(sandbox.WebSocketUrl, timeout.Token);
        return socket;
    }
}
