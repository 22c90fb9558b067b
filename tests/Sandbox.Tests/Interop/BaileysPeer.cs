using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

/// <summary>An unmodified Baileys 7 client (tests/interop/baileys-client.mjs) pointed at a running sandbox.</summary>
internal sealed class BaileysPeer : IAsyncDisposable
{
    private readonly NodeProcess _process;
    private readonly TempFolder _auth = new();

    private BaileysPeer(NodeProcess process) => _process = process;

    public static async Task<BaileysPeer> StartAsync(RunningSandbox sandbox, string caFile)
    {
        var info = await sandbox.GetJsonAsync("/sandbox/info");
        var process = NodeProcess.Start("baileys-client.mjs", environment: new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = caFile });
        var peer = new BaileysPeer(process);
        await process.CallAsync(new JsonObject
        {
            ["op"] = "start",
            ["wsUrl"] = info["ws_url"]!.GetValue<string>(),
            ["rootKey"] = info["root_public_key"]!.GetValue<string>(),
            ["authDir"] = peer._auth.Path,
        });
        return peer;
    }

    public Task<JsonNode> WaitAsync(string type, long after = 0, int timeoutMs = 30_000, JsonObject? match = null) =>
        _process.CallAsync(new JsonObject { ["op"] = "wait", ["type"] = type, ["after"] = after, ["timeoutMs"] = timeoutMs, ["match"] = match ?? [] }, TimeSpan.FromMilliseconds(timeoutMs + 10_000));

    public async Task<JsonArray> EventsAsync() => (await _process.CallAsync(new JsonObject { ["op"] = "events" }))["events"]!.AsArray();

    public Task<JsonNode> CallAsync(JsonObject request) => _process.CallAsync(request);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.CallAsync(new JsonObject { ["op"] = "stop" }, TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is NodePeerException or TimeoutException or IOException)
        {
            // Already gone; disposing the process below ends it either way.
        }

        await _process.DisposeAsync();
        _auth.Dispose();
    }
}
