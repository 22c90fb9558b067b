using System.Collections.Concurrent;
using WaEngine.Api.Webhooks;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Messages;
using WaEngine.Store.Registry;
using WaEngine.Store.Signal;
using WaEngine.Store.Webhooks;
using LineOptions = WaEngine.Engine.Session.LineOptions;

namespace WaEngine.Api.Sessions;

/// <summary>
/// The service's lines: the registry row of each, its session actor (through the supervisor), and what the API needs
/// to show from the actor's events (the current QR). Each line keeps its own SQLite file in <c>data/lines/&lt;id&gt;.db</c>.
/// Status changes are appended to the line's journal as <c>session.status</c> events, and every journalled event
/// wakes the line's webhook worker.
/// </summary>
public sealed partial class LineHost(LineRegistry registry, string dataFolder, Func<LineOptions> options, WebhookDispatcher webhooks, ILoggerFactory loggers, ILogger<LineHost> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<LineId, LineStores> _stores = new();
    private readonly ConcurrentDictionary<LineId, QrCodeIssued> _qr = new();
    private readonly ConcurrentDictionary<LineId, PairingCodeIssued> _codes = new();
    private readonly ConcurrentDictionary<LineId, Lazy<Task>> _pumps = new();
    private readonly CancellationTokenSource _stopping = new();
    private LineSupervisor? _created;
    private readonly Lock _gate = new();

    /// <summary>The registry of lines.</summary>
    public LineRegistry Registry => registry;

    /// <summary>The actor of a line, created (stopped) on first use, with its events followed.</summary>
    public async Task<LineActor> ActorAsync(LineId id, CancellationToken cancellationToken)
    {
        var lineId = id;
        var actor = await Supervisor().GetOrCreateAsync(lineId, cancellationToken).ConfigureAwait(false);
        // Lazy: two requests racing for a new line must not start two pumps (GetOrAdd may run its factory twice).
        _ = _pumps.GetOrAdd(lineId, _ => new Lazy<Task>(() => PumpAsync(lineId, actor.Subscribe(256)))).Value;
        return actor;
    }

    /// <summary>The line's database (opening the line, stopped, when needed).</summary>
    public async Task<LineDatabase> DatabaseAsync(LineId id, CancellationToken cancellationToken)
    {
        await ActorAsync(id, cancellationToken).ConfigureAwait(false);
        return _stores.TryGetValue(id, out var stores) && stores.Resources is LineDatabase database
            ? database
            : throw new InvalidOperationException($"Line {id} has no open database.");
    }

    /// <summary>Starts every line that was running when the service stopped.</summary>
    public async Task<int> RestoreAsync(CancellationToken cancellationToken)
    {
        var lines = await registry.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var line in lines)
        {
            await ActorAsync(line.Id, cancellationToken).ConfigureAwait(false);
        }

        return await Supervisor().RestoreAsync(lines.Select(l => l.Id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The line as the API shows it.</summary>
    public async Task<SessionView> ViewAsync(LineRecord line, CancellationToken cancellationToken)
    {
        var actor = await ActorAsync(line.Id, cancellationToken).ConfigureAwait(false);
        var credentials = _stores.TryGetValue(line.Id, out var stores)
            ? await stores.Credentials.LoadAsync(cancellationToken).ConfigureAwait(false)
            : null;
        MeView? me = credentials?.Me is { } jid ? new MeView(jid, credentials.Lid, credentials.Platform) : null;
        string? phone = me is not null && Jid.TryParse(me.Jid, out var parsed) ? $"{parsed.User}@s.whatsapp.net" : null;
        var health = actor.Health;
        var (queue, backlog) = await BacklogAsync(line.Id, cancellationToken).ConfigureAwait(false);
        return new SessionView(line.Id.Value, line.Name, health.Status.ToName(), phone, me, line.CreatedAt, SessionReason.Of(health.Status, health.Reason), SessionHealthView.Of(health, queue, backlog));
    }

    /// <summary>The line's send queue size and webhook backlog (zeros while its database is not open).</summary>
    public async Task<(int SendQueue, int WebhookBacklog)> BacklogAsync(LineId id, CancellationToken cancellationToken)
    {
        if (!_stores.TryGetValue(id, out var stores) || stores.Resources is not LineDatabase database || stores.Messages is not SqliteMessageStore messages)
        {
            return (0, 0);
        }

        return (await messages.PendingOutboundCountAsync(cancellationToken).ConfigureAwait(false),
            await new WebhookOutbox(database, id).BacklogAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The line's own bare JID (<c>digits@s.whatsapp.net</c>) once it is paired, else null.</summary>
    public async Task<string?> OwnJidAsync(LineId id, CancellationToken cancellationToken)
    {
        await ActorAsync(id, cancellationToken).ConfigureAwait(false);
        var credentials = _stores.TryGetValue(id, out var stores)
            ? await stores.Credentials.LoadAsync(cancellationToken).ConfigureAwait(false)
            : null;
        return credentials is { IsPaired: true, Me: { } me } && Jid.TryParse(me, out var jid) ? new Jid(jid.User, JidServers.WhatsApp).ToString() : null;
    }

    /// <summary>The QR the line shows now, while it waits to be scanned.</summary>
    public QrCodeIssued? CurrentQr(LineId id, LineStatus status) =>
        status == LineStatus.ScanQr && _qr.TryGetValue(id, out var qr) ? qr : null;

    /// <summary>The pairing code the line shows now, while it waits for it to be typed on the phone.</summary>
    public PairingCodeIssued? CurrentPairingCode(LineId id, LineStatus status) =>
        status == LineStatus.PairingCode && _codes.TryGetValue(id, out var code) ? code : null;

    /// <summary>Closes a line's actor and removes its data (after a logout when it was paired).</summary>
    public async Task DeleteAsync(LineId id, CancellationToken cancellationToken)
    {
        var lineId = id;
        await webhooks.RemoveLineAsync(id).ConfigureAwait(false);
        await Supervisor().CloseAsync(lineId).ConfigureAwait(false);
        _stores.TryRemove(lineId, out _);
        _qr.TryRemove(lineId, out _);
        _codes.TryRemove(lineId, out _);
        _pumps.TryRemove(lineId, out _);
        await registry.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        foreach (var file in Directory.EnumerateFiles(LinesFolder, lineId + ".db*"))
        {
            File.Delete(file);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_created is { } supervisor)
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_pumps.Values.Where(p => p.IsValueCreated).Select(p => p.Value)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private string LinesFolder => Path.Combine(dataFolder, "lines");

    private LineSupervisor Supervisor()
    {
        lock (_gate)
        {
            return _created ??= new LineSupervisor(options(), OpenAsync, loggers);
        }
    }

    private async Task<LineStores> OpenAsync(LineId lineId, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(LinesFolder);
        var database = await LineDatabase.OpenAsync(Path.Combine(LinesFolder, lineId + ".db"), cancellationToken).ConfigureAwait(false);
        var stores = new LineStores(new SqliteCredentialStore(database), new SqliteSignalStore(database), new SqliteMessageStore(database), database);
        _stores[lineId] = stores;
        return stores;
    }

    private async Task PumpAsync(LineId lineId, LineSubscription subscription)
    {
        using (subscription)
        {
            try
            {
                await foreach (var update in subscription.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
                {
                    switch (update)
                    {
                        case QrCodeIssued qr:
                            _qr[lineId] = qr;
                            break;
                        case PairingCodeIssued code:
                            _codes[lineId] = code;
                            break;
                        case StatusChanged changed:
                            if (changed.Change.To != LineStatus.ScanQr)
                            {
                                _qr.TryRemove(lineId, out _);
                            }

                            if (changed.Change.To != LineStatus.PairingCode)
                            {
                                _codes.TryRemove(lineId, out _);
                            }

                            await JournalStatusAsync(lineId, changed.Change).ConfigureAwait(false);
                            break;
                        case MessageReceived or MessageStatusChanged:
                            // Stored and journalled by the message store already: the webhook worker can pick it up.
                            webhooks.Wake(lineId);
                            break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                LogPumpStopped(lineId);
            }
        }
    }

    /// <summary>Appends a <c>session.status</c> row to the line's journal (the webhook outbox reads it) and wakes its worker.</summary>
    private async Task JournalStatusAsync(LineId lineId, LineStatusChange change)
    {
        if (!_stores.TryGetValue(lineId, out var stores) || stores.Resources is not LineDatabase database)
        {
            return;
        }

        try
        {
            await new WebhookOutbox(database, lineId).AppendSessionStatusAsync(change.To.ToName(), change.Reason, change.At, _stopping.Token).ConfigureAwait(false);
            webhooks.Wake(lineId);
        }
        catch (Microsoft.Data.Sqlite.SqliteException failed)
        {
            LogStatusNotJournalled(lineId, change.To.ToName(), failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Line {LineId}: status {Status} could not be journalled for webhooks")]
    private partial void LogStatusNotJournalled(LineId lineId, string status, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Line {LineId}: event pump stopped")]
    private partial void LogPumpStopped(LineId lineId);
}
