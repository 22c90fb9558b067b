using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Stanzas.Contacts;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Engine.Stanzas.Pairing;
using WaEngine.Engine.Stanzas.Presence;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>
/// One WhatsApp line's lifecycle: its public commands, one mailbox processed by one loop, every status move, connect,
/// reconnect, keepalive, start, stop and logout. What the server sends goes through the <see cref="StanzaRouter"/> to
/// the handler of its family, which answers with a <see cref="StanzaOutcome"/> that only this loop applies. Commands
/// in a state that does not allow them fail with <see cref="InvalidTransitionException"/> or <see cref="LineException"/>
/// (<see cref="LineErrorKind.WrongState"/>). When the QR refs run out the line ends in <c>failed</c> (<c>qr_refs_ended</c>).
/// </summary>
public sealed class LineActor : IAsyncDisposable
{
    private readonly LineOptions _options;
    private readonly ICredentialStore _store;
    private readonly ISignalStore _signal;
    private readonly IMessageStore _messages;
    private readonly IStatusJournal _statusJournal;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly WaWebVersionSource _versions;
    private readonly LineStateMachine _machine;
    private readonly LineEventHub _events = new();
    private readonly LineMailbox _mailbox;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly LineChores _chores;
    private readonly LineVitals _vitals;
    private readonly LineParts _parts;
    private readonly MediaConnCache _mediaConn;
    private readonly ReadReceiptPrivacy _readPrivacy;
    private readonly Task _loop;
    private DeviceCredentials? _credentials;
    private volatile LineLink _link = LineLink.None;
    private bool _loggingOut;
    private WaWebVersion _announced;
    private int _reconnectAttempt;
    private int _disposed;

    /// <summary>Creates the actor (status <c>stopped</c>) and starts its mailbox loop.</summary>
    /// <param name="lineId">The line's id (logging scope and events).</param>
    /// <param name="options">Connection options; validated here.</param>
    /// <param name="credentials">The line's credential store.</param>
    /// <param name="signal">The line's Signal store (prekeys go there).</param>
    /// <param name="messages">The line's messages, chats and send queue.</param>
    /// <param name="statusJournal">Where the line records each status change before publishing it.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="time">Time and timers; the system clock by default.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> by default.</param>
    /// <param name="calls">Where calls placed to the line are recorded (for <c>call.received</c> webhooks); without one they are only published.</param>
    /// <param name="groups">The line's groups (metadata, sender-key holders, group webhooks); without one the line refuses group sends and has no <see cref="Groups"/>.</param>
    public LineActor(LineId lineId, LineOptions options, ICredentialStore credentials, ISignalStore signal, IMessageStore messages, IStatusJournal statusJournal, ILogger<LineActor> logger, TimeProvider? time = null, Func<double>? random = null, ICallLog? calls = null, IGroupStore? groups = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LineId = lineId;
        _options = options;
        _store = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _signal = signal ?? throw new ArgumentNullException(nameof(signal));
        _messages = messages ?? throw new ArgumentNullException(nameof(messages));
        _statusJournal = statusJournal ?? throw new ArgumentNullException(nameof(statusJournal));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
        _versions = options.Versions ?? new WaWebVersionSource(options.ClientPayload.Version);
        _machine = new LineStateMachine(_time);
        _parts = LineParts.Compose(lineId, options, _store, _signal, _messages, calls, _events, _time, _logger, groups);
        Groups = groups is null ? null : new GroupCommands(groups, (build, cancellationToken) => QueryLoggedInAsync(build(_link.Connection?.NextId() ?? "g2"), cancellationToken),
            () => _credentials is { IsPaired: true, Me: { } me } paired ? (me, paired.Lid) : null, _time);
        _mailbox = new LineMailbox(options.MailboxCapacity);
        _chores = new LineChores(lineId, _mailbox, _time, _logger, _lifetime.Token);
        _vitals = new LineVitals(_time);
        _mediaConn = new MediaConnCache(QueryLoggedInAsync, () => _link.Connection?.NextId() ?? "media_conn", _time);
        _readPrivacy = new ReadReceiptPrivacy(QueryLoggedInAsync, () => _link.Connection, () => _link.Connection?.NextId() ?? "privacy");
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The line's id.</summary>
    public LineId LineId { get; }

    /// <summary>The current status.</summary>
    public LineStatus Status => _machine.Current;

    /// <summary>The line's group commands and stored groups (CONTRACT §3b), or null when the line was made without a group store.</summary>
    public GroupCommands? Groups { get; }

    /// <summary>The line's messages, chats and contacts (reads are safe from any thread).</summary>
    public IMessageStore Messages => _messages;

    /// <summary>Connection health as data (status and why, socket, login, last frame, reconnects).</summary>
    public LineHealth Health => _vitals.Snapshot(_machine, _link);

    /// <summary>
    /// Queues <paramref name="content"/> for <paramref name="toJid"/> (a user JID, phone-number or LID form) and returns the
    /// stored message (status <c>queued</c>) once it is durable; it is sent when the line is logged in.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="toJid"/> is not a user or group JID.</exception>
    /// <exception cref="LineException">WrongState when the line is not paired, or is stopped, logged out or failed.</exception>
    public Task<MessageRecord> SendMessageAsync(string toJid, Proto.Message content, CancellationToken cancellationToken) =>
        SendMessageAsync(toJid, content, null, cancellationToken);

    /// <summary>
    /// Queues <paramref name="content"/> for <paramref name="toJid"/> as <see cref="SendMessageAsync(string, Proto.Message, CancellationToken)"/>
    /// does and, in the same write, sets the recipient's reply routing state to <paramref name="state"/> (its contact is
    /// the recipient, whatever <see cref="ReplyState.ContactJid"/> says) so the reply is routed (CONTRACT §3c).
    /// </summary>
    public Task<MessageRecord> SendMessageAsync(string toJid, Proto.Message content, ReplyState? state, CancellationToken cancellationToken) =>
        SendMessageAsync(toJid, content, state, null, cancellationToken);

    /// <summary>
    /// Queues <paramref name="content"/> as <see cref="SendMessageAsync(string, Proto.Message, ReplyState?, CancellationToken)"/>
    /// does, held in the same write for the preparation step <paramref name="prepare"/> (<see cref="OutboundPrepareKinds"/>),
    /// which the send queue runs before the message goes out (<see cref="LineOptions.OutgoingPreparer"/>).
    /// </summary>
    public async Task<MessageRecord> SendMessageAsync(string toJid, Proto.Message content, ReplyState? state, string? prepare, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!Jid.TryParse(toJid, out var to) || to.Server is not (JidServers.WhatsApp or JidServers.Lid or JidServers.Group) || to.Device is not null
            || (to.Server == JidServers.Group && Groups is null))
        {
            throw new ArgumentException($"'{toJid}' is not a user or group JID (expected digits@s.whatsapp.net, id@lid or id@g.us).", nameof(toJid));
        }

        var done = new TaskCompletionSource<MessageRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new LineMail.QueueSend(to.ToString(), content, done, state, prepare), cancellationToken).ConfigureAwait(false);
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The media hosts and upload auth (<c>media_conn</c>), cached for its ttl; asked again when it was fetched before
    /// <paramref name="staleIfFetchedBefore"/> (a host refused its auth).
    /// </summary>
    /// <exception cref="LineException">Disconnected when the line is not logged in; Timeout or ServerError from the query.</exception>
    public Task<MediaConn> MediaConnAsync(DateTimeOffset? staleIfFetchedBefore, CancellationToken cancellationToken) =>
        _mediaConn.GetAsync(staleIfFetchedBefore, cancellationToken);

    /// <summary>
    /// Asks our phone to upload the expired media of <paramref name="target"/> again (the media retry) and waits at most
    /// <paramref name="timeout"/> for its answer; returns it when it succeeded (its new direct path).
    /// </summary>
    /// <exception cref="LineException">Disconnected when the line is not logged in.</exception>
    /// <exception cref="MediaException">The phone no longer has it, did not answer in time, or failed.</exception>
    public Task<Proto.MediaRetryNotification> RequestMediaRetryAsync(Media.Retry.MediaRetryTarget target, TimeSpan timeout, CancellationToken cancellationToken) =>
        _link is { LoggedIn: true, Connection: { } connection } && Jid.TryParse(_credentials?.Me, out var me)
            ? _parts.MediaRetries.RequestAsync(connection.SendAsync, (me with { Device = null }).ToString(), target, timeout, _time, cancellationToken)
            : throw new LineException(LineErrorKind.Disconnected, "The line is not logged in; expired media is asked for again once it is connected.");

    /// <summary>
    /// Sends read receipts for inbound messages of one chat — <paramref name="messageIds"/>, or every unread one when
    /// null — to the address each came from, as few receipts as the references send (one per sender, the rest of the ids
    /// in a <c>&lt;list&gt;</c>), <c>read-self</c> when the account's read receipts are off (R13); the chat's unread count
    /// drops. Ids that are not inbound messages of the chat are skipped. Returns how many messages the receipts cover.
    /// </summary>
    /// <exception cref="LineException">WrongState when the line is not connected; Timeout or ServerError from the privacy query.</exception>
    public async Task<int> MarkReadAsync(string chatJid, IReadOnlyList<string>? messageIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatJid);
        // Not logged in: the mail still goes through the mailbox, whose handler refuses it (callers rely on the trip).
        var readSelf = _link.LoggedIn && await _readPrivacy.ReadSelfAsync(cancellationToken).ConfigureAwait(false);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(new LineMail.MarkRead(chatJid, messageIds, readSelf, done), cancellationToken).ConfigureAwait(false);
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Announces the line <c>available</c> (online; delivery receipts become active, R13) or <c>unavailable</c>, with
    /// its push name; the presence pulse (R17) then leaves an available line available.
    /// </summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public Task SendPresenceAsync(bool available, CancellationToken cancellationToken) =>
        AskAsync(done => new LineMail.Converse(context => Task.FromResult(_parts.Presence.SendPresence(available, context)), done), cancellationToken);

    /// <summary>Shows <paramref name="state"/> in the chat <paramref name="toJid"/>, subscribing to the contact's presence first on this connection.</summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public Task SendChatStateAsync(string toJid, ChatState state, CancellationToken cancellationToken) =>
        AskAsync(done => new LineMail.Converse(context => _parts.Presence.SendChatStateAsync(toJid, state, context), done), cancellationToken);

    /// <summary>Subscribes to a contact's presence; kept for the line's life and renewed after every login.</summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public Task SubscribePresenceAsync(string jid, CancellationToken cancellationToken) =>
        AskAsync(done => new LineMail.Converse(context => _parts.Presence.SubscribeAsync(jid, context), done), cancellationToken);

    /// <summary>Stops following a contact's presence: forgotten, not renewed after a login, no longer journalled.</summary>
    public Task UnsubscribePresenceAsync(string jid, CancellationToken cancellationToken) =>
        AskAsync(done => new LineMail.Converse(async context =>
        {
            await _parts.Presence.UnsubscribeAsync(jid, context).ConfigureAwait(false);
            return StanzaOutcome.None;
        }, done), cancellationToken);

    /// <summary>
    /// Asks the server which of <paramref name="phones"/> (digits, country code first; 1 to
    /// <see cref="ContactLookup.MaxNumbers"/>) are on WhatsApp, in one usync query with the contact and LID protocols;
    /// those found become contacts of the line with their LID mappings. One check per number, in order.
    /// </summary>
    /// <exception cref="LineException">WrongState or Disconnected when the line is not connected; Timeout or ServerError from the query.</exception>
    public async Task<IReadOnlyList<ContactCheck>> CheckContactsAsync(IReadOnlyList<string> phones, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(phones);
        if (!_link.LoggedIn)
        {
            throw new LineException(LineErrorKind.WrongState, $"Line {LineId} is {_machine.Current.ToName()}: contact checks need a connected line.");
        }

        var query = ContactLookup.BuildQuery(_link.Connection?.NextId() ?? "usync", phones);
        var checks = ContactLookup.Parse(await QueryLoggedInAsync(query, cancellationToken).ConfigureAwait(false), phones);
        await _messages.SaveCheckedContactsAsync(checks, cancellationToken).ConfigureAwait(false);
        return checks;
    }

    /// <summary>Totals of the line's published events (messages received, sent, failed by reason), for metrics.</summary>
    public LineTally Tally => _events.Tally;

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
        var digits = PhoneNumber.Normalize(phone);
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

        _mailbox.TryPost(new LineMail.Shutdown());
        await _loop.ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _chores.WhenAllAsync().ConfigureAwait(false);
        _events.Complete();
        _lifetime.Dispose();
    }

    private Task<Node> QueryLoggedInAsync(Node iq, CancellationToken cancellationToken) =>
        _link is { LoggedIn: true, Connection: { } connection }
            ? connection.QueryAsync(iq, _options.IqTimeout, cancellationToken)
            : throw new LineException(LineErrorKind.Disconnected, "The line is not logged in; media hosts are asked for once it is connected.");


    private LineContext Context => new(LineId, _machine.Current, _credentials, _link, _lifetime.Token) { StartExpected = _startExpected };

    private volatile bool _startExpected;

    /// <summary>True while the line is stopped but its owner said it is about to start it (see <see cref="ExpectStartAsync"/>).</summary>
    public bool StartExpected => _startExpected && _machine.Current == LineStatus.Stopped;

    /// <summary>
    /// The owner will start this line soon (a restore spreads starts out over time): until then the stopped line takes
    /// sends into its durable queue instead of refusing them, as it would once started. A start or stop ends it.
    /// </summary>
    public Task ExpectStartAsync(CancellationToken cancellationToken) => AskAsync(done => new LineMail.ExpectStart(done), cancellationToken);

    private async Task ExpectStartCoreAsync()
    {
        if (_machine.Current != LineStatus.Stopped)
        {
            return;
        }

        // Queued sends need the line's own JID: the credentials a start would load.
        _credentials ??= await _store.LoadAsync(_lifetime.Token).ConfigureAwait(false);
        _startExpected = _credentials is { IsPaired: true };
    }

    private async Task AskAsync(Func<TaskCompletionSource, LineMail> make, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await PostAsync(make(done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask PostAsync(LineMail mail, CancellationToken cancellationToken)
    {
        try
        {
            await _mailbox.PostAsync(mail, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new LineException(LineErrorKind.ShutDown, $"Line {LineId} is shut down.", ex);
        }
    }

    private async Task RunAsync()
    {
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["LineId"] = LineId.ToString() });
        await foreach (var next in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            // The urgent lane first (a dead connection's verdict, timers that found the mailbox full), then the mail.
            while (_mailbox.TryTakeUrgent(out var urgent))
            {
                if (await ProcessAsync(urgent).ConfigureAwait(false))
                {
                    await _mailbox.FailTakenAsync(next, new LineException(LineErrorKind.ShutDown, $"Line {LineId} is shut down.")).ConfigureAwait(false);
                    return;
                }
            }

            if (await ProcessAsync(next).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Handles one mail; true when it was the shutdown (the loop ends).</summary>
    private async Task<bool> ProcessAsync(LineMail mail)
    {
        if (mail is LineMail.Shutdown)
        {
            try
            {
                await FlushStatusesAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (_options.IsStorageFull?.Invoke(ex) == true)
            {
                // The moves stay unacked at the server, which sends their receipts again at the next start.
                LineLog.StorageRefused(_logger, "status moves at shutdown", ex.Message);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LineLog.Unexpected(_logger, "status_flush", ex);
            }

            await EndConnectionAsync().ConfigureAwait(false);
            _chores.CancelAll();
            var shutDown = new LineException(LineErrorKind.ShutDown, $"Line {LineId} is shut down.");
            await _mailbox.CloseAndFailAsync(shutDown).ConfigureAwait(false);
            _parts.Pairing.FailDeferred(shutDown);
            return true;
        }

        try
        {
            await HandleAsync(mail).ConfigureAwait(false);
            if (_parts.Statuses.Full || !_mailbox.Reader.TryPeek(out _))
            {
                // Status moves are stored once the mailbox is drained (or enough gathered): one transaction for many.
                await FlushStatusesAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is StanzaException or PairingException or Crypto.CryptoException)
        {
            LineLog.StanzaFailed(_logger, (mail as LineMail.Received)?.Node.Tag ?? mail.GetType().Name, ex.Message);
        }
        catch (Exception ex) when (_link.Connection is not null && _options.IsStorageFull?.Invoke(ex) == true)
        {
            // A stanza that could not be stored stays unacked, a send that could not be written stays sending:
            // a new connection (after a backoff) brings both back once there is room.
            await StorageFullAsync(WhatWasRefused(mail), ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (_options.IsStorageFull?.Invoke(ex) == true)
        {
            // No connection to give back what could not be stored: said in one line, without a stack per message.
            LineLog.StorageRefused(_logger, WhatWasRefused(mail), ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LineLog.Unexpected(_logger, mail.GetType().Name, ex);
        }

        return false;
    }

    /// <summary>The send command, and those right behind it in the mailbox (concurrent callers): stored in one transaction.</summary>
    private List<LineMail.QueueSend> TakeQueueSends(LineMail.QueueSend first)
    {
        var sends = new List<LineMail.QueueSend> { first };
        while (sends.Count < Stanzas.Messages.OutboundQueue.EnqueueBatch && _mailbox.Reader.TryPeek(out var next) && next is LineMail.QueueSend
            && _mailbox.Reader.TryRead(out var taken))
        {
            sends.Add((LineMail.QueueSend)taken);
        }

        return sends;
    }

    /// <summary>The planned message, and those right behind it in the mailbox: their ratchet steps are committed together.</summary>
    private List<LineMail.PlanReady> TakePlans(LineMail.PlanReady first)
    {
        var plans = new List<LineMail.PlanReady> { first };
        while (plans.Count < Stanzas.Messages.OutboundQueue.InFlight && _mailbox.Reader.TryPeek(out var next) && next is LineMail.PlanReady
            && _mailbox.Reader.TryRead(out var taken))
        {
            plans.Add((LineMail.PlanReady)taken);
        }

        return plans;
    }

    /// <summary>
    /// A stanza from the server; a message with more messages of the same connection right behind it in the mailbox (a
    /// busy line) is handled with them as one batch: decrypted together, stored in one transaction, acked after it.
    /// </summary>
    private async Task ReceivedAsync(LineMail.Received first)
    {
        var batch = new List<Node> { first.Node };
        while (first.Node.Tag == "message" && batch.Count < Stanzas.Messages.InboundBatch.Limit && _mailbox.Reader.TryPeek(out var next)
            && next is LineMail.Received { Node.Tag: "message" } more && more.Generation == first.Generation && _mailbox.Reader.TryRead(out _))
        {
            batch.Add(more.Node);
        }

        if (batch.Count == 1)
        {
            await ApplyAsync(await _parts.Router.RouteAsync(first.Node, Context).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        var context = Context;
        var outcomes = await _parts.Inbound.HandleAsync(batch, context.Paired, context.Connection is not null, node => _parts.Router.RouteAsync(node, Context), context.Lifetime).ConfigureAwait(false);
        foreach (var outcome in outcomes)
        {
            await ApplyAsync(outcome).ConfigureAwait(false);
        }
    }

    private async Task FlushStatusesAsync()
    {
        if (_parts.Statuses.Pending)
        {
            await _parts.Statuses.FlushAsync(Context).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(LineMail mail)
    {
        var current = _link;
        switch (mail)
        {
            case LineMail.Start m: await m.RunAsync(() => StartCoreAsync("start")).ConfigureAwait(false); break;
            case LineMail.Stop m: await m.RunAsync(() => StopCoreAsync(persist: true)).ConfigureAwait(false); break;
            case LineMail.ExpectStart m: await m.RunAsync(ExpectStartCoreAsync).ConfigureAwait(false); break;
            case LineMail.Restart m: await m.RunAsync(RestartCoreAsync).ConfigureAwait(false); break;
            case LineMail.Logout m: await LogoutCoreAsync(m.Done).ConfigureAwait(false); break;
            case LineMail.LogoutAnswered m: await m.RunAsync(() => _machine.Current == LineStatus.LoggedOut ? Task.CompletedTask : LoggedOutAsync("logout")).ConfigureAwait(false); break;
            case LineMail.MarkRead m: await MarkReadCoreAsync(m).ConfigureAwait(false); break;
            case LineMail.Converse m: await m.RunAsync(async () => await ApplyAsync(await m.Step(Context).ConfigureAwait(false)).ConfigureAwait(false)).ConfigureAwait(false); break;
            case LineMail.QueueSend m: await ApplyAsync(await _parts.Outbound.EnqueueAsync(TakeQueueSends(m), Context).ConfigureAwait(false)).ConfigureAwait(false); break;
            case LineMail.RequestPairingCode m: await ApplyAsync(_parts.Pairing.RequestCode(m, Context)).ConfigureAwait(false); break;
            case LineMail.PairingHelloAnswered m: await ApplyAsync(_parts.Pairing.HandleHelloAnswered(m, Context)).ConfigureAwait(false); break;
            case LineMail.Connected m: await OnConnectedAsync(m).ConfigureAwait(false); break;
            case LineMail.ConnectFailed m when current.IsCurrent(m.Generation): await OnConnectFailedAsync(m).ConfigureAwait(false); break;
            case LineMail.Received m when current.IsCurrent(m.Generation): await ReceivedAsync(m).ConfigureAwait(false); break;
            case LineMail.Closed m when current.IsCurrent(m.Generation):
                LineLog.ConnectionClosed(_logger, m.Generation, m.Error?.Message ?? "closed");
                await ReconnectLaterAsync("connection_lost").ConfigureAwait(false);
                break;
            case LineMail.KeepaliveTick m when current.IsCurrent(m.Generation) && current.Connection is { } connection && connection.IsSilent(SilenceLimit):
                await ReconnectLaterAsync("keepalive_timeout").ConfigureAwait(false);
                break;
            case LineMail.KeepaliveTick m when current.IsCurrent(m.Generation) && current.Connection is not null && _parts.Unacked.Overdue(_options.ServerAckTimeout):
                LineLog.AckOverdue(_logger, _parts.Unacked.LongestWait() ?? TimeSpan.Zero);
                await ReconnectLaterAsync("ack_timeout").ConfigureAwait(false);
                break;
            case LineMail.VersionChecked m when current.IsCurrent(m.Generation): await OnVersionCheckedAsync(m).ConfigureAwait(false); break;
            case LineMail.BanExpired m when current.IsCurrent(m.Generation) && _machine.Current == LineStatus.Failed:
                await StartCoreAsync("ban_expired").ConfigureAwait(false);
                break;
            case LineMail.ReconnectDue m when current.IsCurrent(m.Generation) && _machine.Current == LineStatus.Reconnecting:
                _vitals.Reconnected();

                // Connecting again says why (login_unanswered, keepalive_timeout…): the line is not on its way for nothing.
                await BeginConnectAsync(_retryCause ?? "reconnect", paced: true).ConfigureAwait(false);
                break;
            case LineMail.QrExpired m when current.IsCurrent(m.Generation): await ApplyAsync(_parts.Pairing.HandleQrExpired(m, Context)).ConfigureAwait(false); break;
            case LineMail.PreKeyCountKnown m when current.IsCurrent(m.Generation): await ApplyAsync(await _parts.PreKeys.HandleCountAsync(m, Context).ConfigureAwait(false)).ConfigureAwait(false); break;
            case LineMail.LoginSettled m when current.IsCurrent(m.Generation) && current.LoggedIn && _machine.Current == LineStatus.Connecting:
                // Only a login the server keeps answering ends the backoff: one it accepts and then ignores does not.
                _reconnectAttempt = 0;
                await TransitionToAsync(LineStatus.Connected, "logged_in").ConfigureAwait(false);
                await PulsePresenceIfDueAsync().ConfigureAwait(false);
                await ApplyAsync(await _parts.Presence.AfterLoginAsync(Context).ConfigureAwait(false)).ConfigureAwait(false);
                await ApplyAsync(_parts.GroupSync?.AfterLogin(Context) ?? StanzaOutcome.None).ConfigureAwait(false);
                break;
            case LineMail.PresencePulseDue m when current.IsCurrent(m.Generation) && _machine.Current == LineStatus.Connected:
                await PulsePresenceIfDueAsync().ConfigureAwait(false);
                break;
            case LineMail.LoginUnanswered m when current.IsCurrent(m.Generation) && _machine.Current == LineStatus.Connecting:
                await ReconnectLaterAsync("login_unanswered").ConfigureAwait(false);
                break;
            case LineMail.PlanReady m: await _parts.Outbound.HandlePlansReadyAsync(TakePlans(m), Context).ConfigureAwait(false); break;
            case LineMail.SendPassEnded m: await ApplyAsync(await _parts.Outbound.HandlePassEndedAsync(m, Context).ConfigureAwait(false)).ConfigureAwait(false); break;
            case LineMail.SweepDue: await ApplyAsync(_parts.Outbound.HandleSweepDue(Context)).ConfigureAwait(false); break;
            case LineMail.SweepFinished m: await ApplyAsync(_parts.Outbound.HandleSweepFinished(m, Context)).ConfigureAwait(false); break;
            case LineMail.ResendAfterToken m when current.IsCurrent(m.Generation): await ApplyAsync(_parts.Outbound.ResendWritten(m.MsgId, Context)).ConfigureAwait(false); break;
            case LineMail.RetryReady m when current.IsCurrent(m.Generation): await ApplyAsync(await _parts.Receipts.HandleRetryReadyAsync(m, Context).ConfigureAwait(false)).ConfigureAwait(false); break;
            case LineMail.PlaceholderResendReady m when current.IsCurrent(m.Generation) && _parts.Placeholders is { } placeholders: await ApplyAsync(await placeholders.HandleReadyAsync(m, Context).ConfigureAwait(false)).ConfigureAwait(false); break;
            default: break;
        }
    }

    private async Task MarkReadCoreAsync(LineMail.MarkRead mail)
    {
        try
        {
            var (outcome, count) = await _parts.Receipts.SendReadAsync(mail, Context).ConfigureAwait(false);
            await ApplyAsync(outcome).ConfigureAwait(false);
            mail.Done.TrySetResult(count);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            mail.Done.TrySetException(ex);
        }
    }

    /// <summary>Applies what a handler decided, in order: credentials, replies, the decision, timer, work, events, completion.</summary>
    private async Task ApplyAsync(StanzaOutcome outcome)
    {
        if (outcome.Credentials is { } credentials)
        {
            _credentials = credentials;
        }

        if (outcome.Replies.Count > 0 && _link.Connection is { } connection)
        {
            foreach (var reply in outcome.Replies)
            {
                await connection.SendAsync(reply, _lifetime.Token).ConfigureAwait(false);
            }
        }

        if (outcome.Decision is { } decision)
        {
            await DecideAsync(decision).ConfigureAwait(false);
        }

        // Timers first: whoever reacts to an event (a QR shown) must find its timer already running.
        if (outcome.Timer is { } timer)
        {
            _chores.Schedule(timer);
        }

        foreach (var work in outcome.Work)
        {
            _chores.Track(work);
        }

        foreach (var published in outcome.Events)
        {
            _events.Publish(published);
        }

        outcome.Completed?.Invoke();
    }

    private async Task DecideAsync(LineDecision decision)
    {
        switch (decision)
        {
            case LineDecision.Reconnect d: await ReconnectLaterAsync(d.Reason).ConfigureAwait(false); break;
            case LineDecision.RestartNow d:
                await EndConnectionAsync().ConfigureAwait(false);
                await BeginConnectAsync(d.Reason).ConfigureAwait(false);
                break;
            case LineDecision.LoggedOut d: await LoggedOutAsync(_loggingOut && d.Reason == "device_removed" ? "logout" : d.Reason).ConfigureAwait(false); break;
            case LineDecision.Failed d: await FailAsync(d.Reason).ConfigureAwait(false); break;
            case LineDecision.ClientOutdated: await CheckVersionAsync().ConfigureAwait(false); break;
            case LineDecision.TemporarilyBanned d: await BannedAsync(d).ConfigureAwait(false); break;
            case LineDecision.LoggedIn:
                _link = _link with { LoggedIn = true };
                await ApplyAsync(_parts.Outbound.Kick(Context, afterLogin: true)).ConfigureAwait(false);
                break;
            case LineDecision.Enter d when _machine.Current != d.Status:
                if (d.Status is LineStatus.ScanQr or LineStatus.PairingCode)
                {
                    _reconnectAttempt = 0;
                }

                await TransitionToAsync(d.Status, d.Reason).ConfigureAwait(false);
                break;
            default: break;
        }
    }

    private async Task TransitionToAsync(LineStatus next, string reason, DateTimeOffset? until = null)
    {
        var change = _machine.TransitionTo(next, reason, until);
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

    private async Task StartCoreAsync(string reason)
    {
        _startExpected = false;
        await TransitionToAsync(LineStatus.Starting, reason).ConfigureAwait(false);
        try
        {
            await _store.SetDesiredRunningAsync(true, _lifetime.Token).ConfigureAwait(false);
            _credentials = await _store.LoadAsync(_lifetime.Token).ConfigureAwait(false) ?? await PairingHandler.RegisterAsync(_store, _signal, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or WaEngineException))
        {
            await FailAsync($"store_error: {ex.Message}").ConfigureAwait(false);
            throw;
        }

        await BeginConnectAsync(reason).ConfigureAwait(false);

        // Messages queued before a restart expire on schedule even if the line never logs in again.
        await ApplyAsync(_parts.Outbound.Kick(Context)).ConfigureAwait(false);
    }

    private async Task StopCoreAsync(bool persist)
    {
        _startExpected = false;
        if (!LineStateMachine.CanMove(_machine.Current, LineStatus.Stopped))
        {
            throw new InvalidTransitionException(_machine.Current, LineStatus.Stopped, "stop");
        }

        await EndConnectionAsync().ConfigureAwait(false);
        _chores.Cancel(ReconnectSlot);
        _parts.Pairing.FailDeferred(new LineException(LineErrorKind.WrongState, $"Line {LineId} was stopped before the pairing code was issued."));
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

        await StartCoreAsync("start").ConfigureAwait(false);
    }

    private async Task LogoutCoreAsync(TaskCompletionSource done)
    {
        if (_credentials is not { IsPaired: true })
        {
            done.TrySetException(new LineException(LineErrorKind.WrongState, $"Line {LineId} is not paired (status {_machine.Current.ToName()}): nothing to log out."));
            return;
        }

        if (!LineStateMachine.CanMove(_machine.Current, LineStatus.LoggedOut))
        {
            done.TrySetException(new InvalidTransitionException(_machine.Current, LineStatus.LoggedOut, "logout"));
            return;
        }

        var link = _link;
        if (link is not { Connection: not null, LoggedIn: true })
        {
            await LineMail.Command.RunAsync(done, () => LoggedOutAsync("logout")).ConfigureAwait(false);
            return;
        }

        _loggingOut = true;
        await ApplyAsync(_parts.Connection.RemoveThisDevice(Context, done)).ConfigureAwait(false);
    }

    private async Task LoggedOutAsync(string reason)
    {
        await EndConnectionAsync().ConfigureAwait(false);
        _chores.Cancel(ReconnectSlot);
        await _store.WipeAsync(_lifetime.Token).ConfigureAwait(false);
        _credentials = null;
        _loggingOut = false;
        _parts.Pairing.FailDeferred(new LineException(LineErrorKind.WrongState, $"Line {LineId} was logged out ({reason})."));
        await _store.SetDesiredRunningAsync(false, _lifetime.Token).ConfigureAwait(false);

        // Nothing queued can leave a logged-out line: say so now rather than at expiry, and before the line says it is
        // logged out, so whoever reacts to that finds the queue already settled.
        await _parts.Outbound.FailAllAsync($"logged_out: the line was logged out ({reason}) before the message was sent", _lifetime.Token).ConfigureAwait(false);
        await TransitionToAsync(LineStatus.LoggedOut, reason).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends in <c>failed</c> with <paramref name="reason"/> (and its end, <paramref name="until"/>). With
    /// <paramref name="attemptAfter"/> one attempt is scheduled that long from now — before the status is published, so
    /// whoever reacts to it finds the attempt already on the clock.
    /// </summary>
    private async Task FailAsync(string reason, DateTimeOffset? until = null, TimeSpan? attemptAfter = null)
    {
        await EndConnectionAsync().ConfigureAwait(false);
        _chores.Cancel(ReconnectSlot);
        _parts.Pairing.FailDeferred(new LineException(LineErrorKind.WrongState, $"Line {LineId} failed ({reason}) before the pairing code was issued."));
        if (attemptAfter is { } wait)
        {
            _chores.Schedule(new ScheduledMail(ReconnectSlot, wait, new LineMail.BanExpired(_link.Generation)));
        }

        await TransitionToAsync(LineStatus.Failed, reason, until).ConfigureAwait(false);
    }

    /// <summary>
    /// Failure 405 (R8): the connection ends and WhatsApp Web's version is read once, off the loop; the answer
    /// (<see cref="LineMail.VersionChecked"/>) decides between logging in again and <c>client_outdated</c>.
    /// </summary>
    private async Task CheckVersionAsync()
    {
        await EndConnectionAsync().ConfigureAwait(false);
        var refused = _announced;
        var generation = _link.Generation;
        var versions = _versions;
        _chores.Track(new BackgroundWork("version_refresh", async (mailbox, cancellationToken) =>
            await mailbox.PostAsync(new LineMail.VersionChecked(generation, refused, await versions.RefreshAsync(cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false)));
    }

    private async Task OnVersionCheckedAsync(LineMail.VersionChecked mail)
    {
        if (mail.Refresh.Current > mail.Refused)
        {
            LineLog.VersionRetry(_logger, mail.Refused.ToString(), mail.Refresh.Current.ToString());
            await BeginConnectAsync("client_version_refreshed").ConfigureAwait(false);
            return;
        }

        LineLog.VersionOutdated(_logger, mail.Refused.ToString(), mail.Refresh.Published?.ToString() ?? mail.Refresh.Error ?? "unknown");
        await FailAsync("client_outdated").ConfigureAwait(false);
    }

    /// <summary>
    /// Failure 402 (R9): <c>failed</c> with <c>temporarily_banned</c> and the ban's end, and one attempt once it has
    /// passed (not before: a login during the ban extends it). Stop, start or logout in between cancel the attempt.
    /// </summary>
    private async Task BannedAsync(LineDecision.TemporarilyBanned ban)
    {
        var until = ban.Expire is { } expire ? _time.GetUtcNow() + expire : (DateTimeOffset?)null;
        LineLog.TemporarilyBanned(_logger, ban.Code ?? "none", until?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown");
        await FailAsync(ban.Reason, until, ban.Expire).ConfigureAwait(false);
    }

    private async Task BeginConnectAsync(string reason, bool paced = false)
    {
        var credentials = _credentials ?? throw new InvalidOperationException("Connecting without credentials.");
        _link = _link.Next();
        var generation = _link.Generation;
        if (credentials.IsPaired && _machine.Current != LineStatus.Connecting)
        {
            await TransitionToAsync(LineStatus.Connecting, reason).ConfigureAwait(false);
        }

        _announced = _versions.Current;
        var payload = LineConnector.BuildPayload(new ClientPayloadBuilder(_options.ClientPayload with { Version = _announced }), credentials);
        // R18: a reconnect after a drop waits for its slot in the pace the service's lines share.
        var pace = paced ? _options.ReconnectPace : null;
        _chores.Track(new BackgroundWork("connect", async (mailbox, cancellationToken) =>
        {
            if (pace is not null)
            {
                await pace.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await mailbox.PostAsync(await LineConnector.ConnectAsync(_options, _time, credentials.NoiseKey, payload, generation, mailbox, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }));
    }

    private async Task OnConnectedAsync(LineMail.Connected mail)
    {
        if (!_link.IsCurrent(mail.Generation))
        {
            await mail.Connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        var connection = mail.Connection;
        _link = _link with { Connection = connection, LoggedIn = false };
        _parts.Unacked.Clear();
        connection.Start();
        // On the timer's thread: a connection that hears from the server gets its ping straight into its outbox every
        // interval; only a silent one (or a full outbox) wakes the loop, which decides whether the connection is dead.
        // Silence is looked at more often than pings go out, so a dead connection is noticed within interval + slack
        // + one check of its last frame — inside two intervals — not up to a whole interval later.
        var lastPing = _time.GetUtcNow();
        _chores.Repeat(KeepaliveSlot, SilenceCheck, () =>
        {
            var now = _time.GetUtcNow();
            // Within half a check of the interval: the checks' own drift must not push a ping to the next check.
            var pingDue = now - lastPing >= _options.KeepAliveInterval - (SilenceCheck / 2);
            if (pingDue)
            {
                lastPing = now;
            }

            if (connection.IsSilent(SilenceLimit) || _parts.Unacked.Overdue(_options.ServerAckTimeout) || (pingDue && !connection.TrySendPing()))
            {
                _mailbox.PostUrgent(new LineMail.KeepaliveTick(mail.Generation));
            }
        });
    }

    private async Task OnConnectFailedAsync(LineMail.ConnectFailed mail)
    {
        LineLog.ConnectFailed(_logger, mail.Generation, mail.Error.Message);
        if (mail.Error is NoiseHandshakeException)
        {
            await FailAsync($"server_not_trusted: {mail.Error.Message}").ConfigureAwait(false);
            return;
        }

        await ReconnectLaterAsync($"connect_failed: {mail.Error.Message}").ConfigureAwait(false);
    }

    /// <summary>Ends the current connection (if any) and starts a new generation, so whatever the old one left in flight is stale.</summary>
    private async Task EndConnectionAsync()
    {
        var ended = _link;
        _link = ended.Next();
        _chores.Cancel(KeepaliveSlot);
        _chores.Cancel(QrSlot);
        _chores.Cancel(PresenceSlot);
        _parts.Pairing.Reset();
        _parts.Presence.ConnectionEnded();
        if (ended.Connection is { } connection)
        {
            _vitals.ConnectionEnded(connection);
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The generation has moved on already: whatever closing the old socket threw, the line goes on from here
                // (a failure that escaped would leave it reporting `connected` on a dead connection).
                LineLog.Unexpected(_logger, "closing a connection", ex);
            }
        }
    }

    /// <summary>
    /// A stanza from the server could not be stored because the disk is full: it stays unacked, so the connection ends
    /// now (rather than the server ending it for the missing ack, R6) and the server delivers it again after a reconnect.
    /// </summary>
    private async Task StorageFullAsync(string what, Exception full)
    {
        LineLog.StorageFull(_logger, what, full.Message);
        try
        {
            await ReconnectLaterAsync("storage_full").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LineLog.Unexpected(_logger, "storage_full", ex);
        }
    }

    private async Task ReconnectLaterAsync(string reason)
    {
        _retryCause = reason;
        _vitals.ConnectionLost(reason);
        await EndConnectionAsync().ConfigureAwait(false);
        if (_machine.Current != LineStatus.Reconnecting)
        {
            await TransitionToAsync(LineStatus.Reconnecting, reason).ConfigureAwait(false);
        }

        var attempt = _reconnectAttempt++;
        var delay = _options.Reconnect.DelayFor(attempt, _random());
        LineLog.ReconnectScheduled(_logger, delay, attempt + 1);
        _chores.Schedule(new ScheduledMail(ReconnectSlot, delay, new LineMail.ReconnectDue(_link.Generation)));
    }

    /// <summary>
    /// R17: announces the line available for a moment, then unavailable again (so the phone keeps its notifications and
    /// delivery receipts stay inactive), when the last pulse is <see cref="LineOptions.PresencePulse"/> old or there was
    /// none; then schedules the next one.
    /// </summary>
    private async Task PulsePresenceIfDueAsync()
    {
        if (_options.PresencePulse <= TimeSpan.Zero || _link.Connection is not { } connection)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var wait = _lastPresencePulse is { } last ? last + _options.PresencePulse - now : TimeSpan.Zero;
        if (wait <= TimeSpan.Zero)
        {
            var name = _options.ClientPayload.PushName;
            await connection.SendAsync(ConnectionStanzas.BuildPresence(available: true, name), _lifetime.Token).ConfigureAwait(false);
            if (!_parts.Presence.Available)
            {
                await connection.SendAsync(ConnectionStanzas.BuildPresence(available: false, name), _lifetime.Token).ConfigureAwait(false);
            }

            _lastPresencePulse = now;
            wait = _options.PresencePulse;
        }

        _chores.Schedule(new ScheduledMail(PresenceSlot, wait, new LineMail.PresencePulseDue(_link.Generation)));
    }

    private DateTimeOffset? _lastPresencePulse;

    /// <summary>What a mail the store refused was about, for the log (never its content).</summary>
    private static string WhatWasRefused(LineMail mail) => mail switch
    {
        LineMail.Received { Node.Tag: var tag } => $"a <{tag}> from the server",
        LineMail.PlanReady or LineMail.SendPassEnded => "an outgoing message's progress",
        LineMail.QueueSend => "a message to send",
        _ => $"the line's state ({mail.GetType().Name})",
    };

    // Why the line last gave up a connection: the reason of its next `connecting`.
    private string? _retryCause;

    private const string PresenceSlot = "presence";

    private TimeSpan SilenceLimit => _options.KeepAliveInterval + _options.KeepAliveSlack;

    // How often an idle line's timer wakes (KeepaliveCadence.cs): every 12.5 s by default, so a silent connection is
    // still noticed inside two intervals.
    private TimeSpan SilenceCheck => KeepaliveCadence.CheckPeriod(_options.KeepAliveInterval, _options.KeepAliveSlack);

    private const string ReconnectSlot = "reconnect";
    private const string KeepaliveSlot = "keepalive";
    private const string QrSlot = "qr";
}
