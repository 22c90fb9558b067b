using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WaEngine.Engine.Session;

namespace WaEngine.Engine.Tests.Session;

public sealed class LineConnectorTests
{
    [Fact]
    public async Task The_websocket_upgrade_carries_WhatsApp_Webs_origin_and_no_tracing_header()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var request = ReadUpgradeRequestAsync(listener);

        // As when an API request starts the connect: an ambient W3C activity that .NET would propagate.
        using var apiRequest = new Activity("POST /api/sessions/1/start").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAnyAsync<Exception>(() => LineConnector.ConnectWebSocketAsync(new Uri($"ws://127.0.0.1:{port}/ws/chat"), limit.Token));

        var headers = await request.WaitAsync(limit.Token);
        Assert.Contains("Origin: https://web.whatsapp.com", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("traceparent", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tracestate", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Request-Id", headers, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> ReadUpgradeRequestAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // Refuse the upgrade, so the client's connect ends at once.
        await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        return text.ToString();
    }
}
