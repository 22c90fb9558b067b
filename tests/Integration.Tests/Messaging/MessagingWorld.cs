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

    public static async Task<MessagingWorld> StartAsync(string bobAddressing = "pn", Func<LineOptions, LineOptions>? tune = null, bool strict = true, bool requirePrivacyTokens = false, string aliceAddressing = "pn")
    {
        var folder = new TempFolder();
        var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"), strict: strict, requirePrivacyTokens: requirePrivacyTokens);
        var caFile = Path.Combine(folder.Path, "media-ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = AlicePhone, push_name = "Alice", addressing = aliceAddressing })).EnsureSuccessStatusCode();
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

    /// <summary>
    /// Rules a test breaks on purpose (a deliberately wrong client); every other rule must end the test unbroken.
    /// </summary>
    /// <remarks>
    /// R2 is expected by default: a first message to a stranger carries no cstoken from either the engine (it learns no
    /// NCT salt) or Baileys rc14 (WhiskeySockets/Baileys#2446), which the sandbox counts unless it requires tokens; a
    /// test about R2 clears it and asserts the count itself.
    /// </remarks>
    public HashSet<string> ExpectedBreaches { get; } = ["R2"];

    /// <summary>
    /// SERVER-RULES R6: neither the engine nor Baileys drew the ack stream error (an ack lacking an attribute, or a
    /// stanza left unacked past the sandbox's ack timeout) during the test.
    /// </summary>
    public void AssertEveryStanzaWasAcked() => Assert.Equal(0, Sandbox.Runtime.Rules.BreachCount(WaEngine.Sandbox.Rules.ServerRule.R6));

    /// <summary>Closes the line and opens it again on the same database (a process restart, as far as the line knows).</summary>
    /// <summary>Creates <paramref name="count"/> virtual phones numbered <paramref name="prefix"/>0000, 0001, …; returns their numbers.</summary>
    public async Task<List<string>> NewPhonesAsync(string prefix, int count)
    {
        var phones = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var phone = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}{i:0000}");
            (await Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone })).EnsureSuccessStatusCode();
            phones.Add(phone);
        }

        return phones;
    }

    public async Task ReopenLineAsync()
    {
        var path = Line.DatabasePath;
        await Line.DisposeAsync();
        Line = await TestLine.OpenAsync(System.IO.Path.GetDirectoryName(path)!, "alice", Options);
        await Line.Actor.StartAsync(CancellationToken.None);
        await Line.WaitForStatusAsync(LineStatus.Connected);
    }

    /// <summary>
    /// Ends the world, then makes the referee check: neither the engine nor Baileys broke a server rule the strict sandbox
    /// knows (SERVER-RULES), refused or merely counted, other than those in <see cref="ExpectedBreaches"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Line.DisposeAsync();
        await Bob.DisposeAsync();
        var broken = Sandbox.Runtime.Rules.Breaches().Where(b => b.Value > 0 && !ExpectedBreaches.Contains(b.Key)).ToList();
        await Sandbox.DisposeAsync();
        Folder.Dispose();
        Assert.True(broken.Count == 0, "Server rules broken during the test (see the sandbox log for which client): " + string.Join(", ", broken.Select(b => $"{b.Key} ×{b.Value}")));
    }
}
