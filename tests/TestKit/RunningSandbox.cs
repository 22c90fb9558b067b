using Xunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.TestKit;

/// <summary>
/// A real sandbox on a loopback port (Kestrel), mapped at the root and under /sandbox like the standalone program;
/// a fixed port lets a test restart it in place.
/// </summary>
public sealed class RunningSandbox : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningSandbox(WebApplication app, HttpClient client, int port)
    {
        _app = app;
        Http = client;
        Port = port;
    }

    public HttpClient Http { get; }

    public int Port { get; }

    public SandboxRuntime Runtime => _app.Services.GetRequiredService<SandboxRuntime>();

    public Uri WebSocketUrl => new($"ws://127.0.0.1:{Port}/sandbox/ws/chat");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<RunningSandbox> StartAsync(string dataFolder, int port = 0, bool strict = true, Func<SandboxOptions, SandboxOptions>? tune = null, bool requirePrivacyTokens = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("WAENGINE_TEST_LOGS") == "1")
        {
            builder.Logging.AddConsole();
        }

        var options = new SandboxOptions(dataFolder) { Strict = strict, RequirePrivacyTokens = requirePrivacyTokens };
        builder.Services.AddSandbox(tune is null ? options : tune(options));
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.UseWebSockets();
        app.MapSandbox("/");
        app.MapSandbox("/sandbox");
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RunningSandbox(app, new HttpClient { BaseAddress = address }, address.Port);
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await Http.GetFromJsonAsync<JsonNode>(path))!;

    public async Task<(Uri WsUrl, byte[] RootKey)> InfoAsync()
    {
        var info = (await Http.GetFromJsonAsync<JsonNode>("/sandbox/info"))!;
        return (new Uri((string)info["ws_url"]!), Convert.FromBase64String((string)info["root_public_key"]!));
    }

    public async Task CreateAccountAsync(string phone)
    {
        var response = await Http.PostAsJsonAsync("/sandbox/accounts", new { phone });
        response.EnsureSuccessStatusCode();
    }

    public async Task ScanAsync(string phone, string qr)
    {
        var response = await Http.PostAsJsonAsync($"/sandbox/accounts/{phone}/scan", new { qr });
        Assert.True(response.IsSuccessStatusCode, $"scan: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task EnterLinkCodeAsync(string phone, string code)
    {
        var response = await Http.PostAsJsonAsync($"/sandbox/accounts/{phone}/link-code", new { code });
        Assert.True(response.IsSuccessStatusCode, $"link-code: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
