using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Events;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Session;
using WaEngine.Sandbox.Rules;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Journal;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Session;

/// <summary>
/// The login lifecycle rules (SERVER-RULES R8, R9, R12, R19) as components: a <see cref="LineActor"/> on a manual clock
/// against the strict in-process sandbox. Every wait is on the line's events; "nothing happened" is checked after a
/// command has gone through the line's mailbox behind whatever the clock posted.
/// </summary>
public sealed class LoginLifecycleTests : IAsyncLifetime
{
    private static readonly WaWebVersion Raised = new(2, 3000, 1045000000);
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private RunningSandbox _sandbox = null!;
    private LineDatabase _database = null!;
    private LineActor _line = null!;
    private EventWaiter _events = null!;
    private LineOptions _options = null!;

    private RuleBook Rules => _sandbox.Runtime.Rules;

    private LoginRules Login => _sandbox.Runtime.Login;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(Path.Combine(_folder.Path, "sandbox"));
        var (url, root) = await _sandbox.InfoAsync();
        _options = new LineOptions
        {
            ServerUrl = url,
            TrustedRootKey = root,
            Transport = InProcessTransport.To(_sandbox),
            Reconnect = new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)),
            KeepAliveInterval = TimeSpan.FromMinutes(30),
        };
        _database = await LineDatabase.OpenAsync(Path.Combine(_folder.Path, "line.db"), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_line is not null)
        {
            await _line.DisposeAsync();
            _events.Dispose();
        }

        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        _database.Dispose();
        await _sandbox.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task R8_a_405_reads_WhatsApp_Webs_version_once_and_logs_in_again_with_the_newer_one()
    {
        var versions = new WaWebVersionSource(WaWebVersion.Default, ct => WaWebVersionFetcher.FetchAsync(_sandbox.Http, new Uri(_sandbox.Http.BaseAddress!, "/sandbox/sw.js"), ct));
        await PairAsync("15550008001", versions);
        Login.Versions.Set(Raised, null);

        await _line.RestartAsync(CancellationToken.None);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);

        Assert.Equal(Login.Versions.Published, versions.Current);
        Assert.True(versions.Current > Raised);
        Assert.Null(versions.LastError);
        Assert.Equal(1, Rules.BreachCount(ServerRule.R8));
    }

    [Fact]
    public async Task R8_a_405_without_a_newer_version_fails_client_outdated_and_never_tries_again()
    {
        await PairAsync("15550008002", versions: null);
        Login.Versions.Set(Raised, null);

        await _line.RestartAsync(CancellationToken.None);
        var failed = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed);
        Assert.Equal("client_outdated", failed.Change.Reason);

        _time.Advance(TimeSpan.FromHours(1));
        await SettledAsync();
        Assert.Equal(LineStatus.Failed, _line.Status);
        Assert.Equal(1, Rules.BreachCount(ServerRule.R8));
    }

    [Fact]
    public async Task R8_a_refresh_that_cannot_read_the_version_keeps_the_last_known_one_says_so_and_fails_client_outdated()
    {
        var versions = new WaWebVersionSource(WaWebVersion.Default, ct => WaWebVersionFetcher.FetchAsync(_sandbox.Http, new Uri(_sandbox.Http.BaseAddress!, "/sandbox/no-such-page.js"), ct));
        await PairAsync("15550008003", versions);
        Login.Versions.Set(Raised, null);

        await _line.RestartAsync(CancellationToken.None);
        var failed = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed);

        Assert.Equal("client_outdated", failed.Change.Reason);
        Assert.Equal(WaWebVersion.Default, versions.Current);
        Assert.Contains("404", versions.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task R9_a_402_fails_temporarily_banned_until_its_end_and_makes_one_attempt_after_it()
    {
        await PairAsync("15550008004", versions: null);
        Login.Refusals.Refuse("15550008004", 402, "101", TimeSpan.FromHours(2));

        var failedAt = _time.GetUtcNow();
        await _line.RestartAsync(CancellationToken.None);
        var banned = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed);
        Assert.Equal("temporarily_banned", banned.Change.Reason);
        Assert.Equal(failedAt + TimeSpan.FromHours(2), banned.Change.Until);
        Assert.Equal(banned.Change.Until, _line.Health.Until);

        // Just before the end: no attempt (the clock's mail, if any, is ahead of this command in the mailbox).
        _time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1));
        await SettledAsync();
        Assert.Equal(LineStatus.Failed, _line.Status);

        // The sandbox's ban runs on its own clock: it ends now, and the line's one attempt comes at its end.
        Assert.True(Login.Refusals.Lift("15550008004"));
        _time.Advance(TimeSpan.FromMinutes(1));
        var attempt = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Starting);
        Assert.Equal("ban_expired", attempt.Change.Reason);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);
        Assert.Equal(0, Rules.BreachCount(ServerRule.R9));
    }

    [Fact]
    public async Task R9_a_line_started_again_during_its_ban_is_refused_and_the_sandbox_extends_the_ban()
    {
        await PairAsync("15550008005", versions: null);
        var first = Login.Refusals.Refuse("15550008005", 402, "101", TimeSpan.FromHours(2));
        await _line.RestartAsync(CancellationToken.None);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed && e.Change.Reason == "temporarily_banned");

        // A user who starts the line before the end: the deliberate breach.
        await _line.StartAsync(CancellationToken.None);
        var again = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed);

        Assert.Equal("temporarily_banned", again.Change.Reason);
        Assert.Equal(1, Rules.BreachCount(ServerRule.R9));
        Assert.True(Login.Refusals.Current("15550008005")!.Until > first.Until);
    }

    [Theory]
    [InlineData(403, LineStatus.LoggedOut, "banned")]
    [InlineData(406, LineStatus.LoggedOut, "banned")]
    [InlineData(409, LineStatus.Failed, "bad_user_agent")]
    [InlineData(418, LineStatus.Failed, "failure_418")]
    public async Task R9_failures_that_end_the_line_never_reconnect(int reason, LineStatus end, string why)
    {
        await PairAsync($"1555000810{reason % 10}", versions: null);
        Login.Refusals.Refuse($"1555000810{reason % 10}", reason, null, null);

        await _line.RestartAsync(CancellationToken.None);
        var ended = await _events.NextAsync<StatusChanged>(e => e.Change.To == end);
        Assert.Equal(why, ended.Change.Reason);

        _time.Advance(TimeSpan.FromHours(1));
        await SettledAsync();
        Assert.Equal(end, _line.Status);
    }

    [Fact]
    public async Task R9_a_503_is_the_servers_trouble_and_the_line_backs_off_and_comes_back()
    {
        await PairAsync("15550008120", versions: null);
        Login.Refusals.Refuse("15550008120", 503, null, null);

        await _line.RestartAsync(CancellationToken.None);
        var backingOff = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Reconnecting);
        Assert.Equal("failure_503", backingOff.Change.Reason);

        Assert.True(Login.Refusals.Lift("15550008120"));
        await SettledAsync();
        _time.Advance(TimeSpan.FromSeconds(2));
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);
    }

    [Fact]
    public async Task R12_passkey_gated_linking_fails_the_line_with_passkey_required_instead_of_showing_codes()
    {
        await _sandbox.CreateAccountAsync("15550008130");
        Login.Passkeys.Set("15550008130", required: true);
        Open(versions: null);
        await _line.StartAsync(CancellationToken.None);
        var qr = await _events.NextAsync<QrCodeIssued>();

        var scan = await _sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550008130/scan", new { qr = qr.Qr });
        Assert.Equal(HttpStatusCode.Conflict, scan.StatusCode);

        var failed = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed);
        Assert.Equal("passkey_required", failed.Change.Reason);
        Assert.Null((await new SqliteCredentialStore(_database).LoadAsync(CancellationToken.None))?.Me);
        Assert.Equal(0, Rules.BreachCount(ServerRule.R12));
    }

    [Fact]
    public async Task R19_a_replaced_line_never_reconnects_and_a_client_that_comes_back_is_noticed()
    {
        await PairAsync("15550008140", versions: null);
        var (twin, twinEvents) = await OpenTwinAsync();

        await twin.StartAsync(CancellationToken.None);
        var replaced = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed);
        Assert.Equal("replaced", replaced.Change.Reason);
        try
        {
            await twinEvents.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"twin: {twin.Health}");
        }

        // Well past any backoff, short of the keepalive (the twin's connection must not look silent on the manual clock).
        _time.Advance(TimeSpan.FromMinutes(10));
        await SettledAsync();
        Assert.Equal(LineStatus.Failed, _line.Status);
        Assert.Equal(LineStatus.Connected, twin.Status);
        Assert.Equal(0, Rules.BreachCount(ServerRule.R19));

        // The deliberate breach: the replaced line is started again at once and takes the device back.
        await _line.StartAsync(CancellationToken.None);
        await twinEvents.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed && e.Change.Reason == "replaced");
        Assert.Equal(1, Rules.BreachCount(ServerRule.R19));
    }

    private void Open(WaWebVersionSource? versions)
    {
        _line = new LineActor(new LineId(1), _options with { Versions = versions }, new SqliteCredentialStore(_database), new SqliteSignalStore(_database), new SqliteMessageStore(_database, _time),
            new SqliteStatusJournal(_database), NullLogger<LineActor>.Instance, _time, () => 0.5);
        _events = new EventWaiter(_line.Subscribe(256));
    }

    private async Task PairAsync(string phone, WaWebVersionSource? versions)
    {
        await _sandbox.CreateAccountAsync(phone);
        Open(versions);
        await _line.StartAsync(CancellationToken.None);
        var qr = await _events.NextAsync<QrCodeIssued>();
        await _sandbox.ScanAsync(phone, qr.Qr);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);
    }

    /// <summary>A second line with a copy of the first one's credentials: the same device, another client.</summary>
    private async Task<(LineActor Twin, EventWaiter Events)> OpenTwinAsync()
    {
        var copy = new InMemoryCredentialStore();
        await copy.SaveAsync((await new SqliteCredentialStore(_database).LoadAsync(CancellationToken.None))!, CancellationToken.None);
        var twinDatabase = await LineDatabase.OpenAsync(Path.Combine(_folder.Path, "twin.db"), CancellationToken.None);
        var twin = new LineActor(new LineId(2), _options, copy, new InMemorySignalStore(), new SqliteMessageStore(twinDatabase, _time), new SqliteStatusJournal(twinDatabase),
            NullLogger<LineActor>.Instance, _time, () => 0.5);
        var events = new EventWaiter(twin.Subscribe(256));
        _owned.Add(new Owned(async () =>
        {
            await twin.DisposeAsync();
            events.Dispose();
            twinDatabase.Dispose();
        }));
        return (twin, events);
    }

    /// <summary>Returns once a command has gone through the line's mailbox (behind anything the clock posted before).</summary>
    private async Task SettledAsync()
    {
        try
        {
            await _line.MarkReadAsync("15550000000@s.whatsapp.net", ["settle"], CancellationToken.None);
        }
        catch (LineException)
        {
            // Expected: the line is not connected; the point was the trip through its mailbox.
        }
    }

    private sealed class Owned(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }
}
