using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WaEngine.Api.Errors;
using WaEngine.Api.Media;
using WaEngine.Api.Tests.Webhooks;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// The media <c>url</c> rules against a loopback file server: which addresses are refused (every spelling of a
/// link-local or metadata address, whatever the setting), redirects counted and checked again at connect, a server
/// slower than the timeout, a body over the limit with and without its length. Every refusal is an answer, never a hang.
/// </summary>
public sealed class MediaUrlFetcherTests : IAsyncLifetime
{
    private static readonly byte[] File = [.. "%PDF-1.7\n"u8, .. new byte[4000]];
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _server = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = ReceiverProcess.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        _server = builder.Build();
        _server.MapGet("/file.pdf", () => Results.Bytes(File, "application/pdf"));
        _server.MapGet("/hop/{n:int}", (int n) => Results.Redirect(n == 0 ? "/file.pdf" : $"/hop/{n - 1}"));
        _server.MapGet("/to", (string target) => Results.Redirect(target));
        _server.MapGet("/missing", () => Results.NotFound());
        _server.MapGet("/stalls", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/pdf";
            await context.Response.Body.WriteAsync(File.AsMemory(0, 10));
            await context.Response.Body.FlushAsync();
            await _stopping.Task.WaitAsync(context.RequestAborted);
        });
        _server.MapGet("/endless", async (HttpContext context) =>
        {
            // No Content-Length: the limit must be noticed while reading.
            context.Response.ContentType = "application/pdf";
            for (var i = 0; i < 100 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(File, context.RequestAborted);
            }
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _stopping.TrySetResult();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("100.100.100.200", true)]
    [InlineData("fe80::1", true)]
    [InlineData("febf:ffff::1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("::169.254.169.254", true)]
    [InlineData("64:ff9b::a9fe:a9fe", true)]
    [InlineData("2002:a9fe:a9fe::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("ff02::1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Link_local_and_metadata_are_refused_always_private_only_without_the_setting(string address, bool always)
    {
        var ip = IPAddress.Parse(address);
        Assert.NotNull(AddressPolicy.RefusalOf(ip, allowPrivate: false));
        var withSetting = AddressPolicy.RefusalOf(ip, allowPrivate: true);
        Assert.True(always == (withSetting is not null), $"{address} with AllowPrivate: {withSetting ?? "allowed"}");
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.Null(AddressPolicy.RefusalOf(IPAddress.Parse(address), allowPrivate: false));

    [Fact]
    public async Task A_file_server_next_to_the_service_needs_AllowPrivate()
    {
        var refused = await RefusalAsync(new MediaFetchOptions(), $"http://127.0.0.1:{_port}/file.pdf");
        Assert.Equal(StatusCodes.Status400BadRequest, refused.Status);
        Assert.Equal("url", refused.Param);
        Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);

        refused = await RefusalAsync(new MediaFetchOptions(), $"http://localhost:{_port}/file.pdf");
        Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);

        Assert.Equal(File, await FetchAsync(new MediaFetchOptions { AllowPrivate = true }, $"http://127.0.0.1:{_port}/file.pdf"));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://2852039166/")]
    [InlineData("http://0251.0376.0251.0376/")]
    [InlineData("http://0xa9fea9fe/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[::ffff:a9fe:a9fe]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://100.100.100.200/")]
    public async Task Metadata_and_link_local_in_any_spelling_are_refused_even_with_AllowPrivate(string url)
    {
        var refused = await RefusalAsync(new MediaFetchOptions { AllowPrivate = true }, url);
        Assert.Equal(StatusCodes.Status400BadRequest, refused.Status);
        Assert.Equal("url", refused.Param);
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_a_refused_address_is_refused_at_connect()
    {
        var options = new MediaFetchOptions { AllowPrivate = true };
        foreach (var target in new[] { "http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/", "http://2852039166/" })
        {
            var refused = await RefusalAsync(options, $"http://127.0.0.1:{_port}/to?target={Uri.EscapeDataString(target)}");
            Assert.Equal(StatusCodes.Status400BadRequest, refused.Status);
            Assert.Contains("link-local", refused.Message, StringComparison.Ordinal);
        }

        var scheme = await RefusalAsync(options, $"http://127.0.0.1:{_port}/to?target={Uri.EscapeDataString("file:///etc/passwd")}");
        Assert.Contains("not an http", scheme.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_redirects_are_followed_a_fourth_is_refused()
    {
        var options = new MediaFetchOptions { AllowPrivate = true };
        Assert.Equal(File, await FetchAsync(options, $"http://127.0.0.1:{_port}/hop/2"));
        var refused = await RefusalAsync(options, $"http://127.0.0.1:{_port}/hop/3");
        Assert.Equal(StatusCodes.Status400BadRequest, refused.Status);
        Assert.Contains("more than 3", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_slower_than_the_timeout_is_an_answer_not_a_hang()
    {
        var refused = await RefusalAsync(new MediaFetchOptions { AllowPrivate = true, Timeout = TimeSpan.FromSeconds(1) }, $"http://127.0.0.1:{_port}/stalls");
        Assert.Equal(StatusCodes.Status400BadRequest, refused.Status);
        Assert.Contains("took longer than 1 s", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_over_the_limit_and_failed_answers_are_refused()
    {
        var options = new MediaFetchOptions { AllowPrivate = true };
        var declared = await RefusalAsync(options, $"http://127.0.0.1:{_port}/file.pdf", maxBytes: 1000);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, declared.Status);
        Assert.Contains("1000 bytes", declared.Message, StringComparison.Ordinal);

        var streamed = await RefusalAsync(options, $"http://127.0.0.1:{_port}/endless", maxBytes: 50_000);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, streamed.Status);

        var missing = await RefusalAsync(options, $"http://127.0.0.1:{_port}/missing");
        Assert.Equal(StatusCodes.Status400BadRequest, missing.Status);
        Assert.Contains("404", missing.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> FetchAsync(MediaFetchOptions options, string url, long maxBytes = 1_000_000)
    {
        using var fetcher = new MediaUrlFetcher(options);
        using var copy = new MemoryStream();
        await fetcher.FetchAsync(url, maxBytes, (body, _, token) => body.CopyToAsync(copy, token), CancellationToken.None);
        return copy.ToArray();
    }

    private static async Task<ApiProblem> RefusalAsync(MediaFetchOptions options, string url, long maxBytes = 1_000_000)
    {
        var refused = await Assert.ThrowsAsync<MediaRequestException>(() => FetchAsync(options, url, maxBytes));
        return refused.Problem;
    }
}
