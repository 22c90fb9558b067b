using System.Net.WebSockets;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;
using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Session;

/// <summary>
/// One WhatsApp line: owns its connection, pairing, login, keepalive and reconnects. Every change of its state goes
/// through one bounded mailbox processed by one loop; background steps (connecting, iq round trips) run as tasks that
/// report back through the mailbox. Commands in a state that does not allow them fail with
/// <see cref="InvalidTransitionException"/> or <see cref="LineException"/> (<see cref="LineErrorKind.WrongState"/>).
/// When the QR refs of a pair-device list run out the line ends in <c>failed</c> with reason <c>qr_refs_ended</c>.
/// </summary>
public sealed class LineActor : IAsyncDisposable, ILinePort
{
    private readonly LineOptions _options;
    private readonly ICredentialStore _store;
    private readonly ISignalStore _signal;
    private readonly IStatusJournal _statusJournal;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly SignalKeyGenerator _keys = new();
    private readonly ClientPayloadBuilder _payloads;
    private readonly LineStateMachine _machine;
    private readonly LineEventHub _events = new();
    private readonly Channel<LineMail> _mailbox;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<Task> _flows = [];
    private readonly Task _loop;
    private readonly LinePairing _pairing;
    private readonly PreKeyMaintenance _preKeys;
    private readonly LineMessaging _messaging;
    private readonly SendPlanner _planner;
    private readonly SendQueuePump _pump;
    private readonly LineMessagingDriver _driver;
    private DeviceCredentials? _credentials;
    private volatile LineConnection? _connection;
    private volatile bool _loggedIn;
    private volatile LineHealth? _lastHealth;
    private bool _loggingOut;
    private int _generation;
    private int _reconnectAttempt;
    private int _reconnectCount;
    private readonly Queue<DateTimeOffset> _reconnectTimes = new();
    private long _lastKeepaliveTicks;
    private ITimer? _keepaliveTimer;
    private ITimer? _reconnectTimer;
    private int _disposed;

    /// <summary>Creates the actor (status <c>stopped</c>) and starts its mailbox loop.</summary>
    /// <param name="lineId">The line's id (logging scope and events).</param>
    /// <param name="options">Connection options; validated here.</param>
    /// <param name="credentials">The line's credential store.</param>
    /// <param name="signal">The line's Signal store (prekeys go there).</param>
    /// <param name="messages">The line's messages, chats and send queue.</param>
    /// <param name="statusJournal">Where every status change is journalled (on the loop, before it is published).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="time">Time and timers; the system clock by default.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> by default.</param>
    public LineActor(LineId lineId, LineOptions options, ICredentialStore credentials, ISignalStore signal, IMessageStore messages, IStatusJournal statusJournal, ILogger<LineActor> logger, TimeProvider? time = null, Func<double>? random = null)
    {
                ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LineId = lineId;
        _options = options;
        _store = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _signal = signal ?? throw new ArgumentNullException(nameof(signal));
        _statusJournal = statusJournal ?? throw new ArgumentNullException(nameof(statusJournal));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
        _payloads = new ClientPayloadBuilder(options.ClientPayload);
        _machine = new LineStateMachine(_time);
        _pairing = new LinePairing(options, _time);
        _preKeys = new PreKeyMaintenance(options, _keys, _signal, _store);
        ArgumentNullException.ThrowIfNull(messages);
        _messaging = new LineMessaging(lineId, options, _signal, messages, _keys, _events, _time, _logger);
        _planner = new SendPlanner(options, _signal, messages, _time);
        _pump = new SendQueuePump(_messaging, _planner, _time, _logger);
        _driver = new LineMessagingDriver(this, options, _messaging, _planner, _pump, _time, _logger);
        _mailbox = Channel.CreateBounded<LineMail>(new BoundedChannelOptions(options.MailboxCapacity) { SingleReader = true });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The line's id.</summary>
    public LineId LineId { get; }

    /// <summary>The current status.</summary>
    public LineStatus Status => _machine.Current;

    /// <summary>Connection health as data (socket, login, last frame, last keepalive answer, reconnects).</summary>
    public LineHealth Health
    {
        get
        {
            var connection = _connection;
            var keepalive = Math.Max(Interlocked.Read(ref _lastKeepaliveTicks), connection?.LastPingAnswered?.UtcTicks ?? 0);
            var machine = _machine;
            var now = _time.GetUtcNow();
            int recent;
            lock (_reconnectTimes)
            {
                while (_reconnectTimes.Count > 0 && now - _reconnectTimes.Peek() > TimeSpan.FromHours(24))
                {
                    _reconnectTimes.Dequeue();
                }

                recent = _reconnectTimes.Count;
            }

            return new LineHealth(
                machine.Current,
                machine.LastReason,
                machine.Since,
                connection is not null,
                connection is not null && _loggedIn,
                connection?.LastFrameReceived ?? _lastHealth?.LastFrameReceived,
                keepalive == 0 ? null : new DateTimeOffset(keepalive, TimeSpan.Zero),
                Volatile.Read(ref _reconnectCount),
                recent);
        }
    }

    LineStatus ILinePort.Status => _machine.Current;

    DeviceCredentials? ILinePort.Credentials => _credentials;

    LineConnection? ILinePort.Connection => _connection;

    bool ILinePort.LoggedIn => _loggedIn;

    int ILinePort.Generation => _generation;

    CancellationToken ILinePort.Lifetime => _lifetime.Token;

    bool ILinePort.TryPost(LineMail message) => _mailbox.Writer.TryWrite(message);

    ValueTask ILinePort.PostAsync(LineMail message, CancellationToken cancellationToken) => PostAsync(message, cancellationToken);

    void ILinePort.Track(string step, Func<Task> flow) => Track(step, flow);

    Task ILinePort.SendAsync(Node node) => SendAsync(node);

    /// <summary>The line's messages, chats and contacts (reads are safe from any thread).</summary>
    public IMessageStore Messages => _messaging.Messages;

    /// <summary>
    /// Queues <paramref name="content"/> for <paramref name="toJid"/> (a user JID, phone-number or LID form) and returns the
    /// stored message (status <c>queued</c>) once it is durable; the actor sends it when the line is logged in. Needs a
    /// paired line that is not logged out or failed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="toJid"/> is not a user JID (groups are not supported yet).</exception>
    /// <exception cref="LineException">WrongState when the line is not paired, or is stopped, logged out or failed.</exception>
    public async Task<MessageRecord> SendMessageAsync(string toJid, Proto.Message content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!Jid.TryParse(toJid, out var to) || to.Server is not (JidServers.WhatsApp or JidServers.Lid) || to.Device is not null)
        {
            throw new ArgumentException($"'{toJid}' is not a user JID (expected digits@s.whatsapp.net or id@lid).", nameof(toJid));
        }

        var done = new TaskCompletionSource<MessageRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new LineMail.QueueSend(to.ToString(), content, done), cancellationToken).ConfigureAwait(false);
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a read receipt for inbound messages of one chat (all from the same sender) and resets its unread count.</summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public async Task MarkReadAsync(string chatJid, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            throw new ArgumentException("No message ids to mark read.", nameof(messageIds));
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new LineMail.MarkRead(chatJid, messageIds, done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Subscribes to the line's events (status changes, QR codes, pairing codes, messages and their statuses).</summary>
    public LineSubscription Subscribe(int capacity = 64) => _events.Subscribe(capacity);

    /// <summary>Starts the line: logs in with stored credentials, or registers and shows QR codes.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => AskAsync(done => new LineMail.Start(done), cancellationToken);

    /// <summary>Stops the line: closes its connection, status <c>stopped</c>.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => AskAsync(done => new LineMail.Stop(done), cancellationToken);

    /// <summary>Stops (unless stopped) and starts again.</summary>
    public Task RestartAsync(CancellationToken cancellationToken) => AskAsync(done => new LineMail.Restart(done), cancellationToken);

    /// <summary>Tells the server to remove this device (waiting at most <see cref="LineOptions.LogoutTimeout"/>), wipes credentials and keys, status <c>logged_out</c>.</summary>
    public Task LogoutAsync(CancellationToken cancellationToken) => AskAsync(done => new LineMail.Logout(done), cancellationToken);

    /// <summary>Asks to pair by phone code instead of QR; returns the 8-character code once the server accepted the request.</summary>
    /// <param name="phone">The phone number (digits, or E.164 with +).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<string> RequestPairingCodeAsync(string phone, CancellationToken cancellationToken)
    {
        var digits = LinePairing.NormalizePhone(phone);
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new LineMail.RequestPairingCode(digits, done), cancellationToken).ConfigureAwait(false);
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection, ends the loop and every background step, and completes event subscriptions.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _mailbox.Writer.TryWrite(new LineMail.Shutdown());
        await _loop.ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_flows).ConfigureAwait(false);
        _events.Complete();
        _lifetime.Dispose();
    }

    private async Task AskAsync(Func<TaskCompletionSource, LineMail> make, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(make(done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask PostAsync(LineMail message, CancellationToken cancellationToken)
    {
        try
        {
            await _mailbox.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new LineException(LineErrorKind.ShutDown, $"Line {LineId} is shut down.", ex);
        }
    }

    private async Task RunAsync()
    {
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["LineId"] = LineId });
        await foreach (var message in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (message is LineMail.Shutdown)
            {
                await EndConnectionAsync().ConfigureAwait(false);
                _reconnectTimer?.Dispose();
                _driver.StopTimers();
                _mailbox.Writer.TryComplete();
                await FailLeftoversAsync().ConfigureAwait(false);
                return;
            }

            try
            {
                await HandleAsync(message).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LineLog.Unexpected(_logger, message.GetType().Name, ex);
            }
        }
    }

    private async Task FailLeftoversAsync()
    {
        var shutDown = new LineException(LineErrorKind.ShutDown, $"Line {LineId} is shut down.");
        while (_mailbox.Reader.TryRead(out var left))
        {
            left.Fail(shutDown);
            if (left is LineMail.Connected orphan)
            {
                await orphan.Connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        _pairing.FailDeferred(shutDown);
    }

    private async Task HandleAsync(LineMail message)
    {
        switch (message)
        {
            case LineMail.Start m: await CompleteAsync(m.Done, StartAsync).ConfigureAwait(false); break;
            case LineMail.Stop m: await CompleteAsync(m.Done, () => StopCoreAsync(persist: true)).ConfigureAwait(false); break;
            case LineMail.Restart m: await CompleteAsync(m.Done, RestartCoreAsync).ConfigureAwait(false); break;
            case LineMail.Logout m: await CompleteLaterAsync(m.Done, () => LogoutCoreAsync(m.Done)).ConfigureAwait(false); break;
            case LineMail.RequestPairingCode m: RequestPairingCode(m); break;
            case LineMail.Connected m: OnConnected(m); break;
            case LineMail.ConnectFailed m: await OnConnectFailedAsync(m).ConfigureAwait(false); break;
            case LineMail.Received m when m.Generation == _generation: await OnNodeAsync(m.Node).ConfigureAwait(false); break;
            case LineMail.Closed m when m.Generation == _generation:
                LineLog.ConnectionClosed(_logger, m.Generation, m.Error?.Message ?? "closed");
                await ScheduleReconnectAsync("connection_lost").ConfigureAwait(false);
                break;
            case LineMail.KeepaliveTick m when m.Generation == _generation: await OnKeepaliveAsync().ConfigureAwait(false); break;
            case LineMail.QrExpired m when m.Generation == _generation && _pairing.IsCurrentQr(m.Sequence): await ShowNextQrAsync().ConfigureAwait(false); break;
            case LineMail.ReconnectDue m when m.Generation == _generation && _machine.Current == LineStatus.Reconnecting:
                Interlocked.Increment(ref _reconnectCount);
                lock (_reconnectTimes)
                {
                    _reconnectTimes.Enqueue(_time.GetUtcNow());
                }

                await BeginConnectAsync("reconnect").ConfigureAwait(false);
                break;
            case LineMail.PairingHelloAnswered m: await OnPairingHelloAnsweredAsync(m).ConfigureAwait(false); break;
            case LineMail.PreparePreKeyUpload m: await PreparePreKeyUploadAsync(m).ConfigureAwait(false); break;
            case LineMail.LogoutAnswered m: await CompleteLaterAsync(m.Done, () => OnLogoutAnsweredAsync(m)).ConfigureAwait(false); break;
            case LineMail.QueueSend m: await _driver.QueueSendAsync(m).ConfigureAwait(false); break;
            case LineMail.MarkRead m: await CompleteAsync(m.Done, () => _driver.MarkReadCoreAsync(m)).ConfigureAwait(false); break;
            case LineMail.EncryptAndSend m: await _driver.EncryptAndSendAsync(m).ConfigureAwait(false); break;
            case LineMail.RetryReady m when m.Generation == _generation: await _driver.ResendForRetryAsync(m).ConfigureAwait(false); break;
            case LineMail.SendQueueIdle m: _driver.OnSendQueueIdle(m); break;
            case LineMail.SweepSendQueue: _driver.SweepSendQueue(); break;
            case LineMail.SweepFinished m: _driver.OnSweepFinished(m.Remaining); break;
            case LineMail.LoginSettled m when m.Generation == _generation && _loggedIn && _machine.Current == LineStatus.Connecting:
                await TransitionToAsync(LineStatus.Connected, "logged_in").ConfigureAwait(false);
                break;
            default: break;
        }
    }

    private static async Task CompleteAsync(TaskCompletionSource done, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
            done.TrySetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            done.TrySetException(ex);
        }
    }

    private static async Task CompleteLaterAsync(TaskCompletionSource done, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            done.TrySetException(ex);
        }
    }

    private async Task TransitionToAsync(LineStatus next, string reason)
    {
        var change = _machine.TransitionTo(next, reason);
        LineLog.StatusChanged(_logger, change.From.ToName(), change.To.ToName(), reason);
        try
        {
            // Journalled in the line's own store before anyone hears of it: a crash after this loses no status change.
            await _statusJournal.AppendAsync(change, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LineLog.FlowFailed(_logger, "status journal", ex.Message);
        }

        _events.Publish(new StatusChanged(LineId, change));
    }

    private async Task StartAsync()
    {
        await TransitionToAsync(LineStatus.Starting, "start").ConfigureAwait(false);
        try
        {
            await _store.SetDesiredRunningAsync(true, _lifetime.Token).ConfigureAwait(false);
            _credentials = await _store.LoadAsync(_lifetime.Token).ConfigureAwait(false) ?? await CreateCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or WaEngineException))
        {
            await FailAsync($"store_error: {ex.Message}").ConfigureAwait(false);
            throw;
        }

        await BeginConnectAsync("start").ConfigureAwait(false);

        // Messages queued before a restart expire on schedule even if the line never logs in again.
        _driver.KickSendQueue();
    }

    private async Task<DeviceCredentials> CreateCredentialsAsync()
    {
        var created = DeviceCredentials.Create(_keys);
        await _signal.Identities.SaveLocalIdentityAsync(created.SignalIdentity, _lifetime.Token).ConfigureAwait(false);
        await _signal.SignedPreKeys.StoreSignedPreKeyAsync(created.SignedPreKey, _lifetime.Token).ConfigureAwait(false);
        await _store.SaveAsync(created, _lifetime.Token).ConfigureAwait(false);
        return created;
    }

    private async Task StopCoreAsync(bool persist)
    {
        if (!LineStateMachine.CanMove(_machine.Current, LineStatus.Stopped))
        {
            throw new InvalidTransitionException(_machine.Current, LineStatus.Stopped, "stop");
        }

        await EndConnectionAsync().ConfigureAwait(false);
        _reconnectTimer?.Dispose();
        _pairing.FailDeferred(new LineException(LineErrorKind.WrongState, $"Line {LineId} was stopped before the pairing code was issued."));
        _loggingOut = false;
        await TransitionToAsync(LineStatus.Stopped, "stop").ConfigureAwait(false);
        if (persist)
        {
            await _store.SetDesiredRunningAsync(false, _lifetime.Token).ConfigureAwait(false);
        }
    }

    private async Task RestartCoreAsync()
    {
        if (_machine.Current != LineStatus.Stopped)
        {
            await StopCoreAsync(persist: false).ConfigureAwait(false);
        }

        await StartAsync().ConfigureAwait(false);
    }

    private async Task LogoutCoreAsync(TaskCompletionSource done)
    {
        var connection = _connection;
        if (_credentials is not { IsPaired: true } paired)
        {
            done.TrySetException(new LineException(LineErrorKind.WrongState, $"Line {LineId} is not paired (status {_machine.Current.ToName()}): nothing to log out."));
            return;
        }

        if (!LineStateMachine.CanMove(_machine.Current, LineStatus.LoggedOut))
        {
            done.TrySetException(new InvalidTransitionException(_machine.Current, LineStatus.LoggedOut, "logout"));
            return;
        }

        if (connection is null || !_loggedIn)
        {
            await LoggedOutAsync("logout").ConfigureAwait(false);
            done.TrySetResult();
            return;
        }

        var generation = _generation;
        _loggingOut = true;
        Track("logout", async () =>
        {
            try
            {
                await connection.QueryAsync(ConnectionStanzas.BuildRemoveCompanionDevice(connection.NextId(), paired.Me!), _options.LogoutTimeout, _lifetime.Token).ConfigureAwait(false);
            }
            catch (LineException ex)
            {
                LineLog.FlowFailed(_logger, "logout", ex.Message);
            }

            await PostAsync(new LineMail.LogoutAnswered(generation, done), _lifetime.Token).ConfigureAwait(false);
        });
    }

    private async Task OnLogoutAnsweredAsync(LineMail.LogoutAnswered message)
    {
        if (_machine.Current != LineStatus.LoggedOut)
        {
            await LoggedOutAsync("logout").ConfigureAwait(false);
        }

        message.Done.TrySetResult();
    }

    private async Task LoggedOutAsync(string reason)
    {
        await EndConnectionAsync().ConfigureAwait(false);
        _reconnectTimer?.Dispose();
        await _store.WipeAsync(_lifetime.Token).ConfigureAwait(false);
        _credentials = null;
        _loggingOut = false;
        _pairing.FailDeferred(new LineException(LineErrorKind.WrongState, $"Line {LineId} was logged out ({reason})."));
        await TransitionToAsync(LineStatus.LoggedOut, reason).ConfigureAwait(false);
        await _store.SetDesiredRunningAsync(false, _lifetime.Token).ConfigureAwait(false);

        // Nothing queued can leave a logged-out line: say so now rather than at expiry.
        await _pump.FailAllAsync($"logged_out: the line was logged out ({reason}) before the message was sent", _lifetime.Token).ConfigureAwait(false);
    }

    private async Task FailAsync(string reason)
    {
        await EndConnectionAsync().ConfigureAwait(false);
        _reconnectTimer?.Dispose();
        _pairing.FailDeferred(new LineException(LineErrorKind.WrongState, $"Line {LineId} failed ({reason}) before the pairing code was issued."));
        await TransitionToAsync(LineStatus.Failed, reason).ConfigureAwait(false);
    }

    private async Task BeginConnectAsync(string reason)
    {
        var credentials = _credentials ?? throw new InvalidOperationException("Connecting without credentials.");
        var generation = ++_generation;
        if (credentials.IsPaired && _machine.Current != LineStatus.Connecting)
        {
            await TransitionToAsync(LineStatus.Connecting, reason).ConfigureAwait(false);
        }

        var payload = LineConnector.BuildPayload(_payloads, credentials);
        Track("connect", async () =>
        {
            LineMail result;
            try
            {
                var noise = await LineConnector.ConnectAsync(_options, _time, credentials.NoiseKey, payload, _lifetime.Token).ConfigureAwait(false);
                result = new LineMail.Connected(generation, new LineConnection(
                    noise,
                    generation,
                    _time,
                    (node, ct) => _mailbox.Writer.WriteAsync(new LineMail.Received(generation, node), ct),
                    (error, ct) => _mailbox.Writer.WriteAsync(new LineMail.Closed(generation, error), ct)));
            }
            catch (Exception ex) when (LineConnector.IsConnectFailure(ex) && !_lifetime.IsCancellationRequested)
            {
                result = new LineMail.ConnectFailed(generation, ex);
            }

            await PostAsync(result, _lifetime.Token).ConfigureAwait(false);
        });
    }

    private void OnConnected(LineMail.Connected message)
    {
        if (message.Generation != _generation)
        {
            Track("discard", async () => await message.Connection.DisposeAsync().ConfigureAwait(false));
            return;
        }

        _connection = message.Connection;
        _loggedIn = false;
        message.Connection.Start();
        var generation = message.Generation;
        _keepaliveTimer?.Dispose();
        var connection = message.Connection;
        _keepaliveTimer = _time.CreateTimer(_ => KeepaliveDue(connection, generation), null, _options.KeepAliveInterval, _options.KeepAliveInterval);
    }

    private async Task OnConnectFailedAsync(LineMail.ConnectFailed message)
    {
        if (message.Generation != _generation)
        {
            return;
        }

        LineLog.ConnectFailed(_logger, message.Generation, message.Error.Message);
        if (message.Error is NoiseHandshakeException)
        {
            await FailAsync($"server_not_trusted: {message.Error.Message}").ConfigureAwait(false);
            return;
        }

        await ScheduleReconnectAsync($"connect_failed: {message.Error.Message}").ConfigureAwait(false);
    }

    private async Task EndConnectionAsync()
    {
        _generation++;
        _keepaliveTimer?.Dispose();
        _keepaliveTimer = null;
        _pairing.Reset();
        _loggedIn = false;
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            _lastHealth = Health with { LastFrameReceived = connection.LastFrameReceived };
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ScheduleReconnectAsync(string reason)
    {
        await EndConnectionAsync().ConfigureAwait(false);
        if (_machine.Current != LineStatus.Reconnecting)
        {
            await TransitionToAsync(LineStatus.Reconnecting, reason).ConfigureAwait(false);
        }

        var attempt = _reconnectAttempt++;
        var delay = _options.Reconnect.DelayFor(attempt, _random());
        LineLog.ReconnectScheduled(_logger, delay, attempt + 1);
        var generation = _generation;
        _reconnectTimer?.Dispose();
        _reconnectTimer = _time.CreateTimer(_ => _mailbox.Writer.TryWrite(new LineMail.ReconnectDue(generation)), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// On the timer's thread: a connection that hears from the server gets its ping straight into its outbox; only a
    /// silent one (or a full outbox) wakes the actor, which decides whether the connection is dead.
    /// </summary>
    private void KeepaliveDue(LineConnection connection, int generation)
    {
        if (connection.LastPingAnswered is { } answered)
        {
            Interlocked.Exchange(ref _lastKeepaliveTicks, answered.UtcTicks);
        }

        if (IsSilent(connection) || !connection.TrySendPing())
        {
            _mailbox.Writer.TryWrite(new LineMail.KeepaliveTick(generation));
        }
    }

    private bool IsSilent(LineConnection connection) =>
        _time.GetUtcNow() - connection.LastFrameReceived > _options.KeepAliveInterval + _options.KeepAliveSlack;

    private async Task OnKeepaliveAsync()
    {
        if (_connection is { } connection && IsSilent(connection))
        {
            await ScheduleReconnectAsync("keepalive_timeout").ConfigureAwait(false);
        }
    }

    private void Track(string step, Func<Task> flow)
    {
        _flows.RemoveAll(t => t.IsCompleted);
        _flows.Add(RunFlowAsync(step, flow));
    }

    private async Task RunFlowAsync(string step, Func<Task> flow)
    {
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["LineId"] = LineId });
        try
        {
            await flow().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            LineLog.FlowFailed(_logger, step, "shut down");
        }
        catch (Exception ex) when (ex is WaEngineException or ChannelClosedException or IOException)
        {
            LineLog.FlowFailed(_logger, step, ex.Message);
        }
    }

    private async Task OnNodeAsync(Node node)
    {
        try
        {
            switch (node.Tag)
            {
                case "iq": await OnServerIqAsync(node).ConfigureAwait(false); break;
                case "success": await OnSuccessAsync(node).ConfigureAwait(false); break;
                case "failure": await OnFailureAsync(node).ConfigureAwait(false); break;
                case "stream:error": await OnStreamErrorAsync(node).ConfigureAwait(false); break;
                case "notification": await OnNotificationAsync(node).ConfigureAwait(false); break;
                case "message": await _driver.OnMessageAsync(node).ConfigureAwait(false); break;
                case "receipt": await _driver.OnReceiptAsync(node).ConfigureAwait(false); break;
                case "ack" when node.Attr("class") == "message": await _messaging.HandleMessageAckAsync(node, _lifetime.Token).ConfigureAwait(false); break;
                case "ack": break;
                case "xmlstreamend": await ScheduleReconnectAsync("stream_end").ConfigureAwait(false); break;
                default: LineLog.Ignored(_logger, node.Tag); break;
            }
        }
        catch (Exception ex) when (ex is StanzaException or PairingException or Crypto.CryptoException)
        {
            LineLog.StanzaFailed(_logger, node.Tag, ex.Message);
        }
    }

    private async Task SendAsync(Node node)
    {
        if (_connection is { } connection)
        {
            await connection.SendAsync(node, _lifetime.Token).ConfigureAwait(false);
        }
    }

    private async Task OnServerIqAsync(Node iq)
    {
        var id = iq.Attr("id") ?? "";
        var child = iq.FirstChild();
        switch (iq.Attr("type"), child?.Tag)
        {
            case ("get", "ping"):
                await SendAsync(ConnectionStanzas.BuildIqResult(id)).ConfigureAwait(false);
                break;
            case ("set", "pair-device") when _credentials is { IsPaired: false }:
                await SendAsync(ConnectionStanzas.BuildIqResult(id)).ConfigureAwait(false);
                _pairing.SetRefs(child!);
                _reconnectAttempt = 0;
                if (_pairing.Deferred is { } deferred)
                {
                    _pairing.Deferred = null;
                    RequestPairingCode(deferred);
                }
                else
                {
                    await ShowNextQrAsync().ConfigureAwait(false);
                }

                break;
            case ("set", "pair-success") when _credentials is { IsPaired: false }:
                await OnPairSuccessAsync(iq).ConfigureAwait(false);
                break;
            default:
                LineLog.Ignored(_logger, $"iq {iq.Attr("type")} {child?.Tag}");
                break;
        }
    }

    private async Task ShowNextQrAsync()
    {
        var generation = _generation;
        if (_pairing.NextQr(_credentials!, sequence => _mailbox.Writer.TryWrite(new LineMail.QrExpired(generation, sequence))) is not { } next)
        {
            await FailAsync("qr_refs_ended").ConfigureAwait(false);
            return;
        }

        if (_machine.Current != LineStatus.ScanQr)
        {
            await TransitionToAsync(LineStatus.ScanQr, "qr").ConfigureAwait(false);
        }

        _events.Publish(new QrCodeIssued(LineId, next.IssuedAt, next.Qr, next.ExpiresAt));
    }

    private void RequestPairingCode(LineMail.RequestPairingCode request)
    {
        var status = _machine.Current;
        if (_credentials is { IsPaired: true } || status is not (LineStatus.Starting or LineStatus.Reconnecting or LineStatus.ScanQr or LineStatus.PairingCode))
        {
            request.Done.TrySetException(new LineException(LineErrorKind.WrongState,
                $"A pairing code needs an unpaired line that is starting or showing a QR code (line {LineId} is {status.ToName()})."));
            return;
        }

        if (_connection is not { } connection || !_pairing.HasRefs)
        {
            _pairing.FailDeferred(new LineException(LineErrorKind.WrongState, "A newer pairing-code request replaced this one."));
            _pairing.Deferred = request;
            return;
        }

        var (pairing, hello) = _pairing.BeginCode(request.Phone, _credentials!, connection.NextId());
        var generation = _generation;
        Track("companion_hello", async () =>
        {
            Exception? error = null;
            try
            {
                await connection.QueryAsync(hello, _options.IqTimeout, _lifetime.Token).ConfigureAwait(false);
            }
            catch (LineException ex)
            {
                error = ex;
            }

            await PostAsync(new LineMail.PairingHelloAnswered(generation, pairing.Phone, pairing.Code, error, request.Done), _lifetime.Token).ConfigureAwait(false);
        });
    }

    private async Task OnPairingHelloAnsweredAsync(LineMail.PairingHelloAnswered message)
    {
        if (message.Generation != _generation || _pairing.Code?.Code != message.Code)
        {
            message.Done.TrySetException(message.Error ?? new LineException(LineErrorKind.Disconnected, "The connection changed before the pairing code was accepted."));
            return;
        }

        if (message.Error is not null)
        {
            _pairing.CancelCode();
            message.Done.TrySetException(message.Error);
            return;
        }

        if (_machine.Current != LineStatus.PairingCode)
        {
            await TransitionToAsync(LineStatus.PairingCode, "pairing_code").ConfigureAwait(false);
        }

        _events.Publish(new PairingCodeIssued(LineId, _time.GetUtcNow(), message.Code, message.Phone));
        message.Done.TrySetResult(message.Code);
    }

    private async Task OnPairSuccessAsync(Node iq)
    {
        var success = PairSuccess.Parse(iq);
        var (paired, reply, refusal) = LinePairing.AcceptPairSuccess(success, _credentials!);
        if (paired is null)
        {
            LineLog.PairSuccessRefused(_logger, refusal!);
            await SendAsync(reply).ConfigureAwait(false);
            await FailAsync($"pair_success_refused: {reply.RequiredChild("error").Attr("text")}").ConfigureAwait(false);
            return;
        }

        await _store.SaveAsync(paired, _lifetime.Token).ConfigureAwait(false);
        _credentials = paired;
        _pairing.Reset();
        LineLog.Paired(_logger, success.DeviceJid);
        await SendAsync(reply).ConfigureAwait(false);
    }

    private async Task OnSuccessAsync(Node success)
    {
        if (_credentials is not { IsPaired: true } credentials || _connection is not { } connection)
        {
            return;
        }

        if (success.Attr("lid") is { Length: > 0 } lid && lid != credentials.Lid)
        {
            _credentials = credentials with { Lid = lid };
            await _store.SaveAsync(_credentials, _lifetime.Token).ConfigureAwait(false);
        }

        _loggedIn = true;
        _reconnectAttempt = 0;
        var generation = _generation;

        // Like WhatsApp clients, the line says it is connected only once its prekeys are on the server (a peer can
        // then start a session with it) and it has left passive mode. If a step fails, it is logged and the line is
        // connected all the same: the server asks for prekeys again when it runs low.
        Track("after_login", async () =>
        {
            try
            {
                var count = await _preKeys.QueryServerCountAsync(connection, _lifetime.Token).ConfigureAwait(false);
                if (count < _options.MinPreKeyCount)
                {
                    await UploadPreKeysAsync(connection, generation, count).ConfigureAwait(false);
                }

                await connection.QueryAsync(ConnectionStanzas.BuildPassiveActive(connection.NextId()), _options.IqTimeout, _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WaEngineException or ChannelClosedException or IOException)
            {
                LineLog.FlowFailed(_logger, "after_login", ex.Message);
            }
            finally
            {
                // Whatever happened above, the line must not stay in connecting for it.
                if (!_lifetime.IsCancellationRequested)
                {
                    await PostAsync(new LineMail.LoginSettled(generation), _lifetime.Token).ConfigureAwait(false);
                }
            }
        });
        _driver.KickSendQueue(afterLogin: true);
    }

    private async Task UploadPreKeysAsync(LineConnection connection, int generation, int serverCount)
    {
        LineLog.UploadingPreKeys(_logger, _options.PreKeyUploadCount, serverCount);
        var done = new TaskCompletionSource<Node>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new LineMail.PreparePreKeyUpload(generation, done), _lifetime.Token).ConfigureAwait(false);
        var upload = await done.Task.WaitAsync(_lifetime.Token).ConfigureAwait(false);
        await connection.QueryAsync(upload, _options.IqTimeout, _lifetime.Token).ConfigureAwait(false);
    }

    private async Task PreparePreKeyUploadAsync(LineMail.PreparePreKeyUpload message)
    {
        if (message.Generation != _generation || _connection is not { } connection || _credentials is not { } credentials)
        {
            message.Done.TrySetException(new LineException(LineErrorKind.Disconnected, "The connection changed before the prekey upload."));
            return;
        }

        (_credentials, var upload) = await _preKeys.PrepareUploadAsync(credentials, connection.NextId(), _lifetime.Token).ConfigureAwait(false);
        message.Done.TrySetResult(upload);
    }

    private async Task OnNotificationAsync(Node notification)
    {
        await SendAsync(ConnectionStanzas.BuildNotificationAck(notification)).ConfigureAwait(false);
        switch (notification.Attr("type"))
        {
            case "link_code_companion_reg" when _connection is { } connection && _credentials is { IsPaired: false } credentials:
                var (advSecret, finish) = _pairing.FinishCode(notification, credentials, connection.NextId());
                _credentials = credentials with { AdvSecret = advSecret };
                await SendAsync(finish).ConfigureAwait(false);
                break;
            case "encrypt" when notification.Child("count") is { } count && _connection is { } connection && _loggedIn:
                var reader = new AttributeReader(count);
                var value = reader.Int64("value");
                reader.ThrowIfInvalid();
                if (value < _options.MinPreKeyCount)
                {
                    var generation = _generation;
                    Track("prekey_top_up", () => UploadPreKeysAsync(connection, generation, (int)value));
                }

                break;
            case "devices" when notification.Attr("from") is { } from && Jid.TryParse(from, out var user):
                await _messaging.Messages.ForgetDeviceListAsync((user with { Device = null, Agent = null }).ToString(), _lifetime.Token).ConfigureAwait(false);
                break;
            default:
                LineLog.Ignored(_logger, $"notification {notification.Attr("type")}");
                break;
        }
    }

    private async Task OnFailureAsync(Node failure)
    {
        var reason = failure.Attr("reason") ?? "unknown";
        if (reason is "401" or "403" or "406")
        {
            await LoggedOutAsync($"failure_{reason}").ConfigureAwait(false);
            return;
        }

        await ScheduleReconnectAsync($"failure_{reason}").ConfigureAwait(false);
    }

    private async Task OnStreamErrorAsync(Node node)
    {
        var error = StreamErrorInfo.Parse(node);
        LineLog.StreamError(_logger, error.ToString());
        if (error.IsRestartRequired)
        {
            await EndConnectionAsync().ConfigureAwait(false);
            await BeginConnectAsync("restart_required").ConfigureAwait(false);
        }
        else if (error.IsDeviceRemoved)
        {
            await LoggedOutAsync(_loggingOut ? "logout" : "device_removed").ConfigureAwait(false);
        }
        else if (error.IsReplaced)
        {
            await FailAsync("conflict").ConfigureAwait(false);
        }
        else
        {
            await ScheduleReconnectAsync($"stream_error_{error.Code ?? error.FirstChildTag ?? "unknown"}").ConfigureAwait(false);
        }
    }
}
