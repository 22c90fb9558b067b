using System.Collections.Concurrent;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Journal;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;
using LineOptions = WaEngine.Engine.Session.LineOptions;

namespace WaEngine.Api.Sessions;

/// <summary>
/// This process owns every line it is asked for: one actor per line over the line's database from
/// <see cref="LineDatabases"/>, created on first use and closed on <see cref="CloseAsync"/> or disposal (all at once).
/// </summary>
public sealed partial class LocalLineOwner : ILineOwner
{
    private readonly LineDatabases _databases;
    private readonly Lazy<LineOptions> _options;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RestorePace? _pace;
    private readonly ConcurrentDictionary<LineId, Lazy<Task<OwnedLine>>> _lines = new();
    private int _disposed;

    /// <summary>Creates the owner; nothing is opened until a line is asked for.</summary>
    /// <param name="databases">Where the lines' databases are opened.</param>
    /// <param name="options">The options every line connects with, read (and validated) when the first line opens.</param>
    /// <param name="loggers">Loggers for the actors.</param>
    /// <param name="time">Time for the actors and their stores; the system clock by default.</param>
    /// <param name="pace">How a restore spreads the lines' starts (R18); null starts them one right after another.</param>
    public LocalLineOwner(LineDatabases databases, Func<LineOptions> options, ILoggerFactory loggers, TimeProvider? time = null, RestorePace? pace = null)
    {
        _pace = pace;
        ArgumentNullException.ThrowIfNull(options);
        _databases = databases ?? throw new ArgumentNullException(nameof(databases));
        _options = new Lazy<LineOptions>(() =>
        {
            var read = options();
            read.Validate();
            return read;
        });
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger<LocalLineOwner>();
    }

    /// <inheritdoc />
    public IReadOnlyCollection<LineId> Lines => [.. _lines.Keys];

    /// <inheritdoc />
    public IReadOnlyCollection<(LineId Id, OwnedLine Line)> Opened =>
        [.. _lines.Where(entry => entry.Value is { IsValueCreated: true, Value.IsCompletedSuccessfully: true }).Select(entry => (entry.Key, entry.Value.Value.Result))];

    /// <inheritdoc />
    public async Task<OwnedLine> OpenAsync(LineId lineId, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // Lazy: two requests racing for a new line must not create two actors (GetOrAdd may run its factory twice).
        var entry = _lines.GetOrAdd(lineId, id => new Lazy<Task<OwnedLine>>(() => CreateAsync(id)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            _lines.TryRemove(new KeyValuePair<LineId, Lazy<Task<OwnedLine>>>(lineId, entry));
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<int> RestoreAsync(IEnumerable<LineId> lineIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lineIds);
        // First every line due to start is told so (it takes sends from now on, and shows as starting), then the starts
        // are spread out at the restore pace.
        var ids = lineIds.ToList();
        var due = new OwnedLine?[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), RestoreOpening.Options(cancellationToken), async (index, token) =>
        {
            var line = await OpenAsync(ids[index], token).ConfigureAwait(false);
            if (line.Actor.Status == LineStatus.Stopped && await line.Credentials.GetDesiredRunningAsync(token).ConfigureAwait(false))
            {
                await line.Actor.ExpectStartAsync(token).ConfigureAwait(false);
                due[index] = line;
            }
        }).ConfigureAwait(false);

        var started = 0;
        foreach (var line in due.OfType<OwnedLine>())
        {
            if (started > 0 && _pace is not null)
            {
                await _pace.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (line.Actor.StartExpected)
            {
                await line.Actor.StartAsync(cancellationToken).ConfigureAwait(false);
                started++;
            }
        }

        return started;
    }

    /// <inheritdoc />
    public async Task CloseAsync(LineId lineId)
    {
        if (_lines.TryRemove(lineId, out var entry))
        {
            _pace?.Plan(_lines.Count);
            await CloseEntryAsync(lineId, entry).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every line, all at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var entries = _lines.ToList();
        _lines.Clear();
        await Task.WhenAll(entries.Select(e => CloseEntryAsync(e.Key, e.Value))).ConfigureAwait(false);
    }

    private async Task CloseEntryAsync(LineId lineId, Lazy<Task<OwnedLine>> entry)
    {
        var opening = entry.Value;
        await ((Task)opening).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!opening.IsCompletedSuccessfully)
        {
            LogNeverOpened(lineId);
            return;
        }

        await (await opening.ConfigureAwait(false)).Actor.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<OwnedLine> CreateAsync(LineId lineId)
    {
        // An automatic login rate follows how many lines the service holds (its restore and its reconnects, R18).
        _pace?.Plan(_lines.Count);
        var options = _options.Value;
        var database = await _databases.OpenAsync(lineId, CancellationToken.None).ConfigureAwait(false);
        var credentials = new SqliteCredentialStore(database);
        var actor = new LineActor(
            lineId,
            options,
            credentials,
            new SqliteSignalStore(database),
            new SqliteMessageStore(database, _time),
            new SqliteStatusJournal(database),
            _loggers.CreateLogger<LineActor>(),
            _time,
            calls: new SqliteCallLog(database, _time),
            groups: new WaEngine.Store.Groups.SqliteGroupStore(database, _time));
        return new OwnedLine(actor, database, credentials);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Line {LineId}: closed before it had opened")]
    private partial void LogNeverOpened(LineId lineId);
}
