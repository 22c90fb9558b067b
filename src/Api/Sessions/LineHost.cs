using System.Collections.Concurrent;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Messages;
using WaEngine.Store.Registry;
using WaEngine.Store.Signal;
using SessionOptions = WaEngine.Engine.Session.SessionOptions;

namespace WaEngine.Api.Sessions;

/// <summary>
/// The service's lines: the registry row of each, its session actor (through the supervisor), and what the API needs
/// to show from the actor's events (the current QR). Each line keeps its own SQLite file in <c>data/lines/&lt;id&gt;.db</c>.
/// </summary>
public sealed partial class LineHost(SessionRegistry registry, string dataFolder, Func<SessionOptions> options, ILoggerFactory loggers, ILogger<LineHost> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SessionLineStores> _stores = new();
    private readonly ConcurrentDictionary<string, QrCodeIssued> _qr = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _pumps = new();
    private readonly CancellationTokenSource _stopping = new();
    private SessionSupervisor? _created;
    private readonly Lock _gate = new();

    /// <summary>The registry of lines.</summary>
    public SessionRegistry Registry => registry;

    /// <summary>The actor of a line, created (stopped) on first use, with its events followed.</summary>
    public async Task<SessionActor> ActorAsync(long id, CancellationToken cancellationToken)
    {
        var lineId = LineId(id);
        var actor = await Supervisor().GetOrCreateAsync(lineId, cancellationToken).ConfigureAwait(false);
        // Lazy: two requests racing for a new line must not start two pumps (GetOrAdd may run its factory twice).
        _ = _pumps.GetOrAdd(lineId, _ => new Lazy<Task>(() => PumpAsync(lineId, actor.Subscribe(256)))).Value;
        return actor;
    }

    /// <summary>Starts every line that was running when the service stopped.</summary>
    public async Task<int> RestoreAsync(CancellationToken cancellationToken)
    {
        var lines = await registry.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var line in lines)
        {
            await ActorAsync(line.Id, cancellationToken).ConfigureAwait(false);
        }

        return await Supervisor().RestoreAsync(lines.Select(l => LineId(l.Id)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The line as the API shows it.</summary>
    public async Task<SessionView> ViewAsync(SessionRecord line, CancellationToken cancellationToken)
    {
        var actor = await ActorAsync(line.Id, cancellationToken).ConfigureAwait(false);
        var credentials = _stores.TryGetValue(LineId(line.Id), out var stores)
            ? await stores.Credentials.LoadAsync(cancellationToken).ConfigureAwait(false)
            : null;
        MeView? me = credentials?.Me is { } jid ? new MeView(jid, credentials.Lid, credentials.Platform) : null;
        string? phone = me is not null && Jid.TryParse(me.Jid, out var parsed) ? $"{parsed.User}@s.whatsapp.net" : null;
        return new SessionView(line.Id, line.Name, actor.Status.ToName(), phone, me, line.CreatedAt);
    }

    /// <summary>The QR the line shows now, while it waits to be scanned.</summary>
    public QrCodeIssued? CurrentQr(long id, SessionStatus status) =>
        status == SessionStatus.ScanQr && _qr.TryGetValue(LineId(id), out var qr) ? qr : null;

    /// <summary>Closes a line's actor and removes its data (after a logout when it was paired).</summary>
    public async Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var lineId = LineId(id);
        await Supervisor().CloseAsync(lineId).ConfigureAwait(false);
        _stores.TryRemove(lineId, out _);
        _qr.TryRemove(lineId, out _);
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

    private static string LineId(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private SessionSupervisor Supervisor()
    {
        lock (_gate)
        {
            return _created ??= new SessionSupervisor(options(), OpenAsync, loggers);
        }
    }

    private async Task<SessionLineStores> OpenAsync(string lineId, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(LinesFolder);
        var database = await LineDatabase.OpenAsync(Path.Combine(LinesFolder, lineId + ".db"), cancellationToken).ConfigureAwait(false);
        var stores = new SessionLineStores(new SqliteCredentialStore(database), new SqliteSignalStore(database), new SqliteMessageStore(database), database);
        _stores[lineId] = stores;
        return stores;
    }

    private async Task PumpAsync(string lineId, SessionSubscription subscription)
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
                        case StatusChanged { Change.To: not SessionStatus.ScanQr }:
                            _qr.TryRemove(lineId, out _);
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
    private partial void LogPumpStopped(string lineId);
}
