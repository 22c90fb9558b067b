using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SkiaSharp;
using WaEngine.Api.Tests.Webhooks;

namespace WaEngine.Api.Tests.Conversation;

/// <summary>A real local web server with the pages link preview tests look at (Kestrel on a free loopback port).</summary>
internal sealed class LinkPreviewPages : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly TaskCompletionSource _stallGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _stallHits = new(0);

    private LinkPreviewPages(WebApplication server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Waits for the next request to <c>/stall</c> (a page that answers only once <see cref="ReleaseStall"/> was called).</summary>
    public async Task WaitStallHitAsync(string what)
    {
        Assert.True(await _stallHits.WaitAsync(TimeSpan.FromSeconds(90)), $"{what}: /stall was never asked for");
    }

    /// <summary>Lets every waiting and later <c>/stall</c> request answer (a page titled "Stalled page").</summary>
    public void ReleaseStall() => _stallGate.TrySetResult();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>A 400×300 PNG: a red half and a blue half.</summary>
    public static byte[] Png()
    {
        using var bitmap = new SKBitmap(400, 300);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Red);
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(200, 0, 200, 300, blue);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    public static async Task<LinkPreviewPages> StartAsync()
    {
        var port = ReceiverProcess.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var server = builder.Build();
        var png = Png();
        LinkPreviewPages? pages = null;
        server.MapGet("/stall", async () =>
        {
            pages!._stallHits.Release();
            await pages._stallGate.Task;
            return Results.Content("<html><head><meta property=\"og:title\" content=\"Stalled page\"></head></html>", "text/html");
        });
        server.MapGet("/article", () => Results.Content(
            """
            <!doctype html><html><head>
            <title>Fallback title</title>
            <meta property="og:title" content="Spring &amp; Summer Sale">
            <meta name='description' content='plain description'>
            <meta content="Everything 20% off until Sunday." property="og:description" />
            <meta property="og:image" content="/images/banner.png">
            </head><body>hello</body></html>
            """, "text/html; charset=utf-8"));
        server.MapGet("/titled", () => Results.Content("<html><head><TITLE>\n  Only a   title\n</TITLE></head></html>", "text/html"));
        server.MapGet("/bare", () => Results.Content("<html><body>nothing to show</body></html>", "text/html"));
        server.MapGet("/broken-image", () => Results.Content("<meta property=\"og:title\" content=\"Broken\"><meta property=\"og:image\" content=\"/not-an-image\">", "text/html"));
        server.MapGet("/not-an-image", () => Results.Bytes(new byte[2000], "image/png"));
        server.MapGet("/images/banner.png", () => Results.Bytes(png, "image/png"));
        server.MapGet("/missing", () => Results.NotFound());
        server.MapGet("/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        server.MapGet("/hop/{n:int}", (int n) => Results.Redirect(n == 0 ? "/article" : $"/hop/{n - 1}"));
        pages = new LinkPreviewPages(server, port);
        await server.StartAsync();
        return pages;
    }

    public async ValueTask DisposeAsync()
    {
        _stallGate.TrySetResult();
        await _server.DisposeAsync();
        _stallHits.Dispose();
    }
}
