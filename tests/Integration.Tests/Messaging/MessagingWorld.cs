using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Session;
using WaEngine.TestKit;
using LineOptions = WaEngine.Engine.Session.LineOptions;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// A sandbox with two accounts: "alice", whose companion is an engine line, and "bob", whose companion is an unmodified
/// Baileys client. Tests send between them and look at both sides.
/// </summary>
internal sealed class MessagingWorld : IAsyncDisposable
{
    public const string AlicePhone = "15550101001";
    public const string BobPhone = "15550101002";
    public const string AliceJid = AlicePhone + "@s.whatsapp.net";
    public const string BobJid = BobPhone + "@s.whatsapp.net";

    private MessagingWorld(TempFolder folder, RunningSandbox sandbox, string caFile, TestLine line, BaileysPeer bob)
    {
        Folder = folder;
        Sandbox = sandbox;
        CaFile = caFile;
        Line = line;
        Bob = bob;
    }

    public TempFolder Folder { get; }

    public RunningSandbox Sandbox { get; }

    public string CaFile { get; }

    public TestLine Line { get; set; }

    public BaileysPeer Bob { get; }

    public LineOptions Options { get; private set; } = null!;

    public static async Task<MessagingWorld> StartAsync(string bobAddressing = "pn", Func<LineOptions, LineOptions>? tune = null, bool strict = true, bool requirePrivacyTokens = false)
    {
        var folder = new TempFolder();
        var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"), strict: strict, requirePrivacyTokens: requirePrivacyTokens);
        var caFile = Path.Combine(folder.Path, "media-ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = AlicePhone, push_name = "Alice" })).EnsureSuccessStatusCode();
        (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = BobPhone, push_name = "Bob", addressing = bobAddressing })).EnsureSuccessStatusCode();
        var bob = await BaileysPeer.StartPairedAsync(sandbox, caFile, BobPhone);

        var (url, root) = await sandbox.InfoAsync();
        var options = (tune ?? (o => o))(TestLine.Options(url, root));
        var line = await TestLine.OpenAsync(Path.Combine(folder.Path, "lines"), "alice", options);
        await line.Actor.StartAsync(CancellationToken.None);
        var qr = await line.WaitForAsync<Engine.Events.QrCodeIssued>();
        await sandbox.ScanAsync(AlicePhone, qr.Qr);
        await line.WaitForStatusAsync(LineStatus.Connected);
        return new MessagingWorld(folder, sandbox, caFile, line, bob) { Options = options };
    }

    /// <summary>Closes the line and opens it again on the same database (a process restart, as far as the line knows).</summary>
    public async Task ReopenLineAsync()
    {
        var path = Line.DatabasePath;
        await Line.DisposeAsync();
        Line = await TestLine.OpenAsync(System.IO.Path.GetDirectoryName(path)!, "alice", Options);
        await Line.Actor.StartAsync(CancellationToken.None);
        await Line.WaitForStatusAsync(LineStatus.Connected);
    }

    public async ValueTask DisposeAsync()
    {
        await Line.DisposeAsync();
        await Bob.DisposeAsync();
        await Sandbox.DisposeAsync();
        Folder.Dispose();
    }
}
