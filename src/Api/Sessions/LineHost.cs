using System.Collections.Concurrent;
using WaEngine.Api.Webhooks;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Messages;
using WaEngine.Store.Registry;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Sessions;

/// <summary>
/// The service's lines as the API sees them: the registry row of each, its actor and database through the node's
/// <see cref="ILineOwner"/> (the only holder of a line's actor), and what the API shows from the actor's events (the
/// current QR). Each line keeps its own SQLite file in <c>data/lines/&lt;id&gt;.db</c>. The line journals its own status
/// changes and its messages in that file; the webhook dispatcher hears of them from the store, not from here.
/// </summary>
public sealed partial class LineHost(LineRegistry registry, ILineOwner lines, LineDatabases databases, WebhookDispatcher webhooks, ILogger<LineHost> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<LineId, QrCodeIssued> _qr = new();
    private readonly ConcurrentDictionary<LineId, PairingCodeIssued> _codes = new();
    private readonly ConcurrentDictionary<LineId, Lazy<Task>> _pumps = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The registry of lines.</summary>
    public LineRegistry Registry => registry;

    /// <summary>The actor of a line, created (stopped) on first use, with its QR codes followed.</summary>
    public async Task<LineActor> ActorAsync(LineId id, CancellationToken cancellationToken) =>
        (await LineAsync(id, cancellationToken).ConfigureAwait(false)).Actor;

    /// <summary>
    /// The line's actor for a send: a stopped line that was running when the service stopped is about to be restored,
    /// so it is told to expect its start (and takes sends into its queue) even before the restore reaches it — the
    /// service listens a moment before the restore begins.
    /// </summary>
    public async Task<LineActor> ActorForSendAsync(LineId id, CancellationToken cancellationToken)
    {
        var owned = await LineAsync(id, cancellationToken).ConfigureAwait(false);
        if (owned.Actor.Status == LineStatus.Stopped && !owned.Actor.StartExpected
            && await owned.Credentials.GetDesiredRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            await owned.Actor.ExpectStartAsync(cancellationToken).ConfigureAwait(false);
        }

        return owned.Actor;
    }

    /// <summary>The line's database (opened when needed; its actor is not created for that).</summary>
    public Task<LineDatabase> DatabaseAsync(LineId id, CancellationToken cancellationToken) => databases.OpenAsync(id, cancellationToken);

    /// <summary>Starts every line that was running when the service stopped.</summary>
    public async Task<int> RestoreAsync(CancellationToken cancellationToken)
    {
        var ids = (await registry.ListAsync(cancellationToken).ConfigureAwait(false)).Select(l => l.Id).ToList();
        // Several lines' databases open at once (each open is mostly waiting on its files): at 10,000 lines, opening
        // them one after another held the first login back by minutes.
        await Parallel.ForEachAsync(ids, RestoreOpening.Options(cancellationToken), async (id, token) => await LineAsync(id, token).ConfigureAwait(false)).ConfigureAwait(false);

        return await lines.RestoreAsync(ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The line as the API shows it.</summary>
    public async Task<SessionView> ViewAsync(LineRecord line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var owned = await LineAsync(line.Id, cancellationToken).ConfigureAwait(false);
        var credentials = await owned.Credentials.LoadAsync(cancellationToken).ConfigureAwait(false);
        MeView? me = credentials?.Me is { } jid ? new MeView(jid, credentials.Lid, credentials.Platform) : null;
        string? phone = me is not null && Jid.TryParse(me.Jid, out var parsed) ? $"{parsed.User}@s.whatsapp.net" : null;
        var health = owned.Actor.Health;
        var (queue, backlog) = await BacklogAsync(line.Id, cancellationToken).ConfigureAwait(false);
        // A line a restore is about to start is on its way: starting (it takes sends already), not stopped.
        var status = owned.Actor.StartExpected ? LineStatus.Starting : health.Status;
        return new SessionView(line.Id.Value, line.Name, status.ToName(), phone, me, line.CreatedAt, SessionReason.Of(status, health.Reason), SessionReason.UntilOf(status, health.Reason, health.Until), SessionHealthView.Of(health, queue, backlog));
    }

    /// <summary>The line's send queue size and webhook backlog.</summary>
    public async Task<(int SendQueue, int WebhookBacklog)> BacklogAsync(LineId id, CancellationToken cancellationToken)
    {
        var owned = await LineAsync(id, cancellationToken).ConfigureAwait(false);
        var queue = owned.Actor.Messages is SqliteMessageStore messages ? await messages.PendingOutboundCountAsync(cancellationToken).ConfigureAwait(false) : 0;
        return (queue, await new WebhookOutbox(owned.Database, id).BacklogAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The line's own bare JID (<c>digits@s.whatsapp.net</c>) once it is paired, else null.</summary>
    public async Task<string?> OwnJidAsync(LineId id, CancellationToken cancellationToken)
    {
        var owned = await LineAsync(id, cancellationToken).ConfigureAwait(false);
        var credentials = await owned.Credentials.LoadAsync(cancellationToken).ConfigureAwait(false);
        return credentials is { IsPaired: true, Me: { } me } && Jid.TryParse(me, out var jid) ? new Jid(jid.User, JidServers.WhatsApp).ToString() : null;
    }

    /// <summary>The QR the line shows now, while it waits to be scanned.</summary>
    public QrCodeIssued? CurrentQr(LineId id, LineStatus status) =>
        status == LineStatus.ScanQr && _qr.TryGetValue(id, out var qr) ? qr : null;

    /// <summary>The pairing code the line shows now, while it waits for it to be typed on the phone.</summary>
    public PairingCodeIssued? CurrentPairingCode(LineId id, LineStatus status) =>
        status == LineStatus.PairingCode && _codes.TryGetValue(id, out var code) ? code : null;

    /// <summary>Closes a line's actor and webhook worker and removes its data (after a logout when it was paired).</summary>
    public async Task DeleteAsync(LineId id, CancellationToken cancellationToken)
    {
        await webhooks.RemoveLineAsync(id).ConfigureAwait(false);
        await lines.CloseAsync(id).ConfigureAwait(false);
        _qr.TryRemove(id, out _);
        _codes.TryRemove(id, out _);
        _pumps.TryRemove(id, out _);
        await registry.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        await databases.DeleteAsync(id).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_pumps.Values.Where(p => p.IsValueCreated).Select(p => p.Value)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task<OwnedLine> LineAsync(LineId id, CancellationToken cancellationToken)
    {
        var owned = await lines.OpenAsync(id, cancellationToken).ConfigureAwait(false);
        // Lazy: two requests racing for a new line must not start two pumps (GetOrAdd may run its factory twice).
        _ = _pumps.GetOrAdd(id, lineId => new Lazy<Task>(() => PumpAsync(lineId, owned.Actor.Subscribe(256)))).Value;
        return owned;
    }

    /// <summary>Keeps the line's current QR code for <see cref="CurrentQr"/> (a lost event only loses a QR that a newer one replaces).</summary>
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Line {LineId}: event pump stopped")]
    private partial void LogPumpStopped(LineId lineId);
}
