using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Sandbox.Protocol;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Journal;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Session;

/// <summary>
/// The line's lifecycle as a component: a <see cref="LineActor"/> on a manual clock, connected to an in-process
/// sandbox through an in-memory transport. Time moves only when a test says so; every wait is on the line's events.
/// </summary>
public sealed class LineActorTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new();
    private ConnectPace _pace = null!;
    private RunningSandbox _sandbox = null!;
    private LineDatabase _database = null!;
    private LineActor _line = null!;
    private EventWaiter _events = null!;
    private LineOptions _options = null!;
    private string _me = "";

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

            // One reconnect a second, no jitter: free whenever nothing else took a slot within the last second.
            ReconnectPace = _pace = new ConnectPace(1, _time, () => 0),

            // Longer than any other step a test takes on the clock, so only the keepalive test meets the keepalive:
            // the server's answers arrive on real time, so one jump of the manual clock past a whole interval would
            // otherwise look like silence.
            KeepAliveInterval = TimeSpan.FromMinutes(30),

            // Shorter than the keepalive interval, so the pulse test's jump meets no keepalive tick.
            PresencePulse = TimeSpan.FromMinutes(10),
        };
        _database = await LineDatabase.OpenAsync(Path.Combine(_folder.Path, "line.db"), CancellationToken.None);
        _line = new LineActor(new LineId(1), _options, new SqliteCredentialStore(_database), new SqliteSignalStore(_database), new SqliteMessageStore(_database, _time), new SqliteStatusJournal(_database),
            NullLogger<LineActor>.Instance, _time, () => 0.5);
        _events = new EventWaiter(_line.Subscribe(256));
    }

    public async Task DisposeAsync()
    {
        await _line.DisposeAsync();
        _events.Dispose();
        _database.Dispose();
        await _sandbox.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task QR_codes_rotate_on_the_clock_and_the_line_fails_when_the_refs_run_out()
    {
        await _line.StartAsync(CancellationToken.None);
        var first = await _events.NextAsync<QrCodeIssued>();
        Assert.Equal(first.At + _options.FirstQrTimeout, first.ExpiresAt);
        Assert.Equal(LineStatus.ScanQr, _line.Status);

        _time.Advance(_options.FirstQrTimeout);
        var second = await _events.NextAsync<QrCodeIssued>();
        Assert.NotEqual(first.Qr, second.Qr);
        Assert.Equal(second.At + _options.NextQrTimeout, second.ExpiresAt);

        var shown = 2;
        StatusChanged? failed = null;
        while (failed is null)
        {
            _time.Advance(_options.NextQrTimeout);
            var next = await _events.NextAsync<LineEvent>(e => e is QrCodeIssued || e is StatusChanged { Change.To: LineStatus.Failed });
            if (next is StatusChanged changed)
            {
                failed = changed;
            }
            else
            {
                shown++;
            }

            Assert.True(shown < 100, "the QR codes never ran out");
        }

        Assert.Equal("qr_refs_ended", failed.Change.Reason);
        Assert.True(shown >= 2);
    }

    [Fact]
    public async Task A_silent_server_is_noticed_by_the_keepalive_and_the_line_reconnects()
    {
        var device = await PairAsync("15550009001");
        await _sandbox.Runtime.Network.InjectFaultAsync(device, FaultKind.Mute, null, 0, 1000, CancellationToken.None);

        // One interval: the ping goes unanswered but the silence is not yet longer than interval + slack. A frame the
        // server sent before the mute may still land (on real time) and be stamped with the advanced clock, so the
        // silence is only certain one interval later: by the third tick at the latest.
        _time.Advance(_options.KeepAliveInterval);
        Assert.Equal(LineStatus.Connected, _line.Status);
        _time.Advance(_options.KeepAliveInterval);
        _time.Advance(_options.KeepAliveInterval);
        var lost = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Reconnecting);
        Assert.Equal("keepalive_timeout", lost.Change.Reason);
    }

    [Fact]
    public async Task A_server_that_takes_the_login_and_ignores_the_rest_never_makes_the_line_connected_and_the_backoff_grows()
    {
        var device = await PairAsync("15550009010");
        await _sandbox.Runtime.Network.InjectFaultAsync(device, FaultKind.Mute, null, 0, 1000, CancellationToken.None);
        _time.Advance(_options.KeepAliveInterval);
        _time.Advance(_options.KeepAliveInterval);
        _time.Advance(_options.KeepAliveInterval);
        Assert.Equal("keepalive_timeout", (await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Reconnecting)).Change.Reason);

        // First attempt: 0.75 s (half of the 1 s ceiling fixed, the other half scaled by the test's 0.5).
        var delay = TimeSpan.FromSeconds(0.75);
        for (var round = 0; round < 3; round++)
        {
            await _time.TimerDueAsync(delay);
            _time.Advance(delay);
            await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connecting);

            // The muted server answers the handshake with <success>, then ignores the prekey count query.
            await _time.TimerDueAsync(_options.IqTimeout);
            _time.Advance(_options.IqTimeout);
            var next = await _events.NextAsync<StatusChanged>(e => e.Change.To is LineStatus.Reconnecting or LineStatus.Connected);
            Assert.Equal((LineStatus.Reconnecting, "login_unanswered"), (next.Change.To, next.Change.Reason));

            // The accepted login did not end the backoff: 1.5 s from the 2 s ceiling (the policy's maximum) on.
            delay = TimeSpan.FromSeconds(1.5);
        }

        // The server answers again: the next login settles, and only that counts as connected.
        await _sandbox.Runtime.Network.InjectFaultAsync(device, FaultKind.Mute, null, 0, 0, CancellationToken.None);
        await _time.TimerDueAsync(delay);
        _time.Advance(delay);
        var back = await _events.NextAsync<StatusChanged>(e => e.Change.To is LineStatus.Reconnecting or LineStatus.Connected);
        Assert.Equal((LineStatus.Connected, "logged_in"), (back.Change.To, back.Change.Reason));
    }

    [Fact]
    public async Task R17_a_connected_line_announces_itself_available_when_it_connects_and_again_each_pulse_interval()
    {
        var device = await PairAsync("15550009011");
        var deviceId = int.Parse(device.Split(':', '@')[1], System.Globalization.CultureInfo.InvariantCulture);
        var activity = _sandbox.Runtime.Login.Activity;
        await UntilAsync(() => activity.Announcements("15550009011", deviceId) >= 1, "the first pulse at connect");

        // The next pulse is due one interval later on the line's clock (a day by default).
        await _time.TimerDueAsync(_options.PresencePulse);
        Assert.Equal(1, activity.Announcements("15550009011", deviceId));
        _time.Advance(_options.PresencePulse);
        await UntilAsync(() => activity.Announcements("15550009011", deviceId) >= 2, "the next pulse");
        Assert.Equal(LineStatus.Connected, _line.Status);
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        // The sandbox hears the pulse on real time, over the in-memory transport.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within 30 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task R18_a_dropped_line_reconnects_only_in_its_slot_of_the_shared_pace()
    {
        var device = await PairAsync("15550009011");

        // Two other lines took the next slots of the pace the service's lines share: this line's is 2 s from now.
        Assert.Equal(TimeSpan.Zero, _pace.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(1), _pace.Reserve());
        await _sandbox.Runtime.Network.InjectFaultAsync(device, FaultKind.Drop, null, 0, 1, CancellationToken.None);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Reconnecting);

        // The backoff (0.75 s) ends; the connect then waits out the remaining 1.25 s of its slot before it dials.
        await _time.TimerDueAsync(TimeSpan.FromSeconds(0.75));
        _time.Advance(TimeSpan.FromSeconds(0.75));
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connecting);
        await _time.TimerDueAsync(TimeSpan.FromSeconds(1.25));
        Assert.Equal(LineStatus.Connecting, _line.Status);
        _time.Advance(TimeSpan.FromSeconds(1.25));
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);
    }

    [Fact]
    public async Task Stream_error_515_reconnects_at_once_and_logs_in_again()
    {
        var device = await PairAsync("15550009002");
        await _sandbox.Runtime.Network.InjectFaultAsync(device, FaultKind.StreamError, "515", 0, 1, CancellationToken.None);

        var restart = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connecting);
        Assert.Equal("restart_required", restart.Change.Reason);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);
    }

    [Fact]
    public async Task A_device_removed_by_the_phone_is_logged_out_and_its_keys_wiped()
    {
        var device = await PairAsync("15550009003");
        Assert.True(await _sandbox.Runtime.Network.RemoveDeviceAsync("15550009003", int.Parse(device.Split(':', '@')[1], System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None));

        var removed = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.LoggedOut);
        Assert.Equal("device_removed", removed.Change.Reason);
        Assert.Null(await new SqliteCredentialStore(_database).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_replaced_connection_fails_without_reconnecting()
    {
        var device = await PairAsync("15550009004");
        await _sandbox.Runtime.Network.InjectFaultAsync(device, FaultKind.StreamError, "conflict", 0, 1, CancellationToken.None);

        var replaced = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Failed);
        Assert.Equal("replaced", replaced.Change.Reason);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(LineStatus.Failed, _line.Status);
    }

    [Fact]
    public async Task Logout_tells_the_server_and_ends_logged_out()
    {
        var device = await PairAsync("15550009005");
        await _line.LogoutAsync(CancellationToken.None);

        var loggedOut = await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.LoggedOut);
        Assert.Equal("logout", loggedOut.Change.Reason);
        var devices = (await _sandbox.GetJsonAsync("/sandbox/accounts")).AsArray()
            .Where(a => (string)a!["phone"]! == "15550009005")
            .SelectMany(a => a!["devices"]!.AsArray())
            .Select(d => (string)d!);
        Assert.DoesNotContain(device, devices);
    }

    [Fact]
    public async Task The_first_upload_is_812_prekeys_and_a_low_server_is_topped_up_at_the_next_login()
    {
        await PairAsync("15550009006");
        var keys = _sandbox.Runtime.Keys;
        var first = await keys.CountAsync("15550009006", DeviceId(), CancellationToken.None);
        // 812 uploaded; the phone took one for its history bootstrap (a pkmsg) before the upload was answered.
        Assert.Equal(_options.InitialPreKeyUploadCount - 1, first);

        // Peers took bundles until the server holds fewer than the line's minimum.
        for (var taken = 0; taken <= first - _options.MinPreKeyCount; taken++)
        {
            Assert.NotNull(await keys.TakeBundleAsync("15550009006", DeviceId(), CancellationToken.None));
        }

        var low = await keys.CountAsync("15550009006", DeviceId(), CancellationToken.None);
        Assert.InRange(low, 1, _options.MinPreKeyCount - 1);
        await _sandbox.Runtime.Network.InjectFaultAsync(_me, FaultKind.StreamError, "515", 0, 1, CancellationToken.None);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connecting);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);

        Assert.Equal(low + _options.PreKeyUploadCount, await keys.CountAsync("15550009006", DeviceId(), CancellationToken.None));
    }

    private int DeviceId() => int.Parse(_me.Split(':', '@')[1], System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> PairAsync(string phone)
    {
        await _sandbox.CreateAccountAsync(phone);
        await _line.StartAsync(CancellationToken.None);
        var qr = await _events.NextAsync<QrCodeIssued>();
        await _sandbox.ScanAsync(phone, qr.Qr);
        await _events.NextAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);
        var credentials = await new SqliteCredentialStore(_database).LoadAsync(CancellationToken.None);
        _me = credentials!.Me!;
        return _me;
    }
}
