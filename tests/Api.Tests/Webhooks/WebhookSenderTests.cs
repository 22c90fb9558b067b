using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WaEngine.Api.Webhooks;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>One attempt against a loopback server that answers each path its own way.</summary>
public sealed class WebhookSenderTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"event":"session.status","timestamp":1,"session":{"id":1},"data":{"status":"connected","reason":null}}""");
    private readonly List<(Dictionary<string, string> Headers, byte[] Body)> _seen = [];
    private WebApplication _server = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        var port = ReceiverProcess.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _server = builder.Build();
        _server.MapPost("/ok", async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            lock (_seen)
            {
                // Kestrel reuses its header objects once the request ends: keep a copy.
                _seen.Add((context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), buffer.ToArray()));
            }

            context.Response.StatusCode = 204;
        });
        _server.MapPost("/broken", async context =>
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("maintenance until 10:00\nback soon " + new string('x', 500));
        });
        _server.MapPost("/moved", context =>
        {
            context.Response.Redirect("/ok");
            return Task.CompletedTask;
        });
        _server.MapPost("/slow", async context => await Task.Delay(5000, context.RequestAborted));
        await _server.StartAsync();
        _base = new Uri($"http://127.0.0.1:{port}");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_2xx_answer_delivers_the_exact_bytes_with_the_headers_and_signature()
    {
        var (sender, http) = Sender(TimeSpan.FromSeconds(5));
        using (http)
        {
            var attempt = await sender.SendAsync(new Uri(_base, "/ok"), "secret", Delivery(), default);
            Assert.Equal(new WebhookAttempt(true, 204, null), attempt);
            var (headers, body) = Assert.Single(_seen);
            Assert.Equal(Body, body);
            Assert.Equal("application/json", headers["Content-Type"]);
            Assert.Equal("session.status", headers["X-WaEngine-Event"]);
            Assert.Equal("wd_1_7", headers["X-WaEngine-Delivery"]);
            Assert.Equal(WebhookSender.UserAgent, headers["User-Agent"]);
            var timestamp = headers["X-WaEngine-Timestamp"];
            Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.True(WebhookSignature.Verify("secret", headers["X-WaEngine-Signature"], timestamp, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

            await sender.SendAsync(new Uri(_base, "/ok"), null, Delivery(), default);
            Assert.False(_seen[1].Headers.ContainsKey("X-WaEngine-Signature"));
        }
    }

    [Fact]
    public async Task Failures_say_what_happened()
    {
        var (sender, http) = Sender(TimeSpan.FromMilliseconds(300));
        using (http)
        {
            var broken = await sender.SendAsync(new Uri(_base, "/broken"), null, Delivery(), default);
            Assert.Equal((false, 503), (broken.Delivered, broken.StatusCode));
            Assert.StartsWith("HTTP 503 Service Unavailable: maintenance until 10:00 back soon xxx", broken.Error, StringComparison.Ordinal);
            Assert.True(broken.Error!.Length < 260);

            var moved = await sender.SendAsync(new Uri(_base, "/moved"), null, Delivery(), default);
            Assert.Equal((false, 302), (moved.Delivered, moved.StatusCode));
            Assert.Equal("HTTP 302: redirect to /ok not followed; set the final URL.", moved.Error);
            Assert.Empty(_seen);

            Assert.Equal(new WebhookAttempt(false, null, "no answer within 0.3 s"), await sender.SendAsync(new Uri(_base, "/slow"), null, Delivery(), default));

            var refused = await sender.SendAsync(new Uri($"http://127.0.0.1:{ReceiverProcess.FreePort()}/x"), null, Delivery(), default);
            Assert.Equal((false, (int?)null), (refused.Delivered, refused.StatusCode));
            Assert.StartsWith("connection failed: Connection refused", refused.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stopping_cancels_the_attempt_instead_of_recording_a_failure()
    {
        var (sender, http) = Sender(TimeSpan.FromSeconds(10));
        using (http)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(new Uri(_base, "/slow"), null, Delivery(), stopping.Token));
        }
    }

    private static (WebhookSender Sender, HttpClient Http) Sender(TimeSpan timeout)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        return (new WebhookSender(http, new WebhookOptions { Timeout = timeout }, TimeProvider.System), http);
    }

    private static WebhookDelivery Delivery() => new(
        7, "wd_1_7", "session.status", "", null, Body, WebhookDeliveryStatus.Pending, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow, null, null, null, null);
}
