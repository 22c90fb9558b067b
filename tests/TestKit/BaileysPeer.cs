using System.Net.Http.Json;
using System.Text.Json.Nodes;
namespace WaEngine.TestKit;

/// <summary>An unmodified Baileys 7 client (tests/interop/baileys-client.mjs) pointed at a running sandbox.</summary>
public sealed class BaileysPeer : IAsyncDisposable
{
    private readonly NodeProcess _process;
    private readonly TempFolder? _ownedAuth;

    private BaileysPeer(NodeProcess process, string authDir, TempFolder? ownedAuth)
    {
        _process = process;
        AuthDir = authDir;
        _ownedAuth = ownedAuth;
    }

    /// <summary>Where this client keeps its credentials; a new peer started on the same folder is the same device.</summary>
    public string AuthDir { get; }

    /// <summary>Starts a Baileys client against the sandbox (not paired yet: it will show QR codes).</summary>
    public static Task<BaileysPeer> StartAsync(RunningSandbox sandbox, string caFile, string? authDir = null) =>
        StartAsync(sandbox.Http, caFile, authDir);

    /// <summary>Starts a Baileys client against the sandbox whose control API <paramref name="sandbox"/> reaches at <c>/sandbox/…</c> (a standalone sandbox or a service in sandbox mode).</summary>
    public static async Task<BaileysPeer> StartAsync(HttpClient sandbox, string caFile, string? authDir = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var info = (await sandbox.GetFromJsonAsync<JsonNode>("/sandbox/info"))!;
        var owned = authDir is null ? new TempFolder() : null;
        var process = NodeProcess.Start("baileys-client.mjs", environment: new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = caFile });
        var peer = new BaileysPeer(process, authDir ?? owned!.Path, owned);
        await process.CallAsync(new JsonObject
        {
            ["op"] = "start",
            ["wsUrl"] = info["ws_url"]!.GetValue<string>(),
            ["rootKey"] = info["root_public_key"]!.GetValue<string>(),
            ["authDir"] = peer.AuthDir,
        });
        return peer;
    }

    /// <summary>Starts a client, has the virtual phone <paramref name="phone"/> scan its QR, and waits until it is logged in.</summary>
    public static Task<BaileysPeer> StartPairedAsync(RunningSandbox sandbox, string caFile, string phone, string? authDir = null) =>
        StartPairedAsync(sandbox.Http, caFile, phone, authDir);

    /// <summary>As <see cref="StartPairedAsync(RunningSandbox, string, string, string?)"/>, for any sandbox control API client.</summary>
    public static async Task<BaileysPeer> StartPairedAsync(HttpClient sandbox, string caFile, string phone, string? authDir = null)
    {
        var peer = await StartAsync(sandbox, caFile, authDir);
        var qr = await peer.WaitAsync("qr");
        var scan = await sandbox.PostAsJsonAsync($"/sandbox/accounts/{phone}/scan", new { qr = qr["qr"]!.GetValue<string>() });
        if (!scan.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"scan answered {(int)scan.StatusCode}: {await scan.Content.ReadAsStringAsync()}");
        }

        var restart = await peer.WaitAsync("close", match: new JsonObject { ["code"] = 515 });
        await peer.WaitAsync("open", after: restart["seq"]!.GetValue<long>());
        return peer;
    }

    /// <summary>Sends a text to <paramref name="jid"/>; answers <c>{id}</c>.</summary>
    public Task<JsonNode> SendTextAsync(string jid, string text) =>
        _process.CallAsync(new JsonObject { ["op"] = "send-text", ["jid"] = jid, ["text"] = text });

    /// <summary>Baileys' groupCreate; answers <c>{metadata}</c> (Baileys' GroupMetadata), or <c>{failed, status, message}</c> when refused.</summary>
    public Task<JsonNode> CreateGroupAsync(string subject, params string[] participants) =>
        GroupAsync("group-create", new JsonObject { ["subject"] = subject, ["participants"] = new JsonArray([.. participants.Select(p => (JsonNode)p)]) });

    /// <summary>Baileys' groupMetadata; answers <c>{metadata}</c> or <c>{failed, status, message}</c>.</summary>
    public Task<JsonNode> GroupMetadataAsync(string jid) => GroupAsync("group-metadata", new JsonObject { ["jid"] = jid });

    /// <summary>Baileys' groupParticipantsUpdate (<paramref name="action"/>: add, remove, promote, demote); answers <c>{results: [{status, jid}]}</c>.</summary>
    public Task<JsonNode> GroupParticipantsAsync(string jid, string action, params string[] participants) =>
        GroupAsync("group-participants", new JsonObject { ["jid"] = jid, ["action"] = action, ["participants"] = new JsonArray([.. participants.Select(p => (JsonNode)p)]) });

    /// <summary>
    /// Any group request of the client script: <c>group-participating</c>, <c>group-subject {jid, subject}</c>,
    /// <c>group-description {jid, description}</c>, <c>group-setting {jid, setting}</c>, <c>group-invite-code {jid}</c>,
    /// <c>group-revoke-invite {jid}</c>, <c>group-accept-invite {code}</c>, <c>group-leave {jid}</c> (see baileys-client.mjs).
    /// A refusal answers <c>{failed: true, status, message}</c>.
    /// </summary>
    public Task<JsonNode> GroupAsync(string op, JsonObject? arguments = null)
    {
        var request = arguments ?? [];
        request["op"] = op;
        return _process.CallAsync(request);
    }

    /// <summary>Waits for the first event of <paramref name="type"/> after <paramref name="after"/> whose fields match.</summary>
    public Task<JsonNode> WaitAsync(string type, long after = 0, int timeoutMs = 30_000, JsonObject? match = null) =>
        _process.CallAsync(new JsonObject { ["op"] = "wait", ["type"] = type, ["after"] = after, ["timeoutMs"] = timeoutMs, ["match"] = match ?? [] }, TimeSpan.FromMilliseconds(timeoutMs + 10_000));

    /// <summary>Every event so far.</summary>
    public async Task<JsonArray> EventsAsync() => (await _process.CallAsync(new JsonObject { ["op"] = "events" }))["events"]!.AsArray();

    /// <summary>Any request of the client script.</summary>
    public Task<JsonNode> CallAsync(JsonObject request) => _process.CallAsync(request);

    /// <summary>Stops the client and ends its process.</summary>
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
        _ownedAuth?.Dispose();
    }
}
