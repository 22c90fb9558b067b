using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Tests;

/// <summary>A real sandbox on a loopback port (Kestrel), mapped at the root and under /sandbox like the standalone program.</summary>
internal sealed class RunningSandbox : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningSandbox(WebApplication app, HttpClient client)
    {
        _app = app;
        Http = client;
    }

    public HttpClient Http { get; }

    public SandboxRuntime Runtime => _app.Services.GetRequiredService<SandboxRuntime>();

    public static async Task<RunningSandbox> StartAsync(string dataFolder)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("WAENGINE_TEST_LOGS") == "1")
        {
            builder.Logging.AddConsole();
        }
        builder.Services.AddSandbox(new SandboxOptions(dataFolder));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        app.MapSandbox("/");
        app.MapSandbox("/sandbox");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSandbox(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async Task<System.Text.Json.Nodes.JsonNode> GetJsonAsync(string path) =>
        (await Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonNode>(path))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
