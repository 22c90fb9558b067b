using System.Collections.Concurrent;
using WaEngine.Engine.Session;

namespace WaEngine.Store;

/// <summary>
/// The line databases of this process, one file per line in a folder (<c>&lt;id&gt;.db</c>), each opened once and shared
/// by everyone working on the line (its actor, its webhook worker, the API's reads), so that one
/// <see cref="LineDatabase.Journalled"/> reaches every listener. <see cref="Journalled"/> forwards it for all lines.
/// </summary>
public sealed class LineDatabases : IDisposable
{
    private readonly ConcurrentDictionary<LineId, Lazy<Task<LineDatabase>>> _open = new();
    private readonly ConcurrentDictionary<LineId, LineDatabase> _ready = new();
    private int _disposed;

    /// <summary>Keeps the databases in <paramref name="folder"/> (created on first open).</summary>
    public LineDatabases(string folder)
        : this(folder, SqliteSynchronous.Full)
    {
    }

    /// <summary>Keeps the databases in <paramref name="folder"/> (created on first open), committing as <paramref name="synchronous"/> says.</summary>
    public LineDatabases(string folder, SqliteSynchronous synchronous)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = folder;
        Synchronous = synchronous;
    }

    /// <summary>The folder of the line files.</summary>
    public string Folder { get; }

    /// <summary>How the line databases' commits wait for the disk.</summary>
    public SqliteSynchronous Synchronous { get; }

    /// <summary>
    /// Raised with the line's id after a commit that journalled an event on any database opened here (see
    /// <see cref="LineDatabase.Journalled"/>: on the writer's thread; handlers must be quick and must not throw).
    /// </summary>
    public event Action<LineId>? Journalled;

    /// <summary>The line's database, opened (created and migrated when new) on first use.</summary>
    public async Task<LineDatabase> OpenAsync(LineId lineId, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // The open itself is not cancelled by one caller: others may be waiting for the same line.
        var entry = _open.GetOrAdd(lineId, id => new Lazy<Task<LineDatabase>>(() => OpenCoreAsync(id)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // A file that could not be opened is tried again by the next caller.
            _open.TryRemove(new KeyValuePair<LineId, Lazy<Task<LineDatabase>>>(lineId, entry));
            throw;
        }
    }

    /// <summary>Forgets the line's database and deletes its files (with the WAL and shared-memory files). Call it once nothing works on the line any more.</summary>
    public async Task DeleteAsync(LineId lineId)
    {
        if (_open.TryRemove(lineId, out var entry) && entry.IsValueCreated)
        {
            // An open under way finishes first (whether it fails or not: the files go either way).
            await ((Task)entry.Value).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_ready.TryRemove(lineId, out var database))
        {
            database.Dispose();
        }

        if (Directory.Exists(Folder))
        {
            foreach (var file in Directory.EnumerateFiles(Folder, lineId + ".db*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Releases every database opened here.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var database in _ready.Values)
        {
            database.Dispose();
        }

        _ready.Clear();
        _open.Clear();
    }

    private async Task<LineDatabase> OpenCoreAsync(LineId lineId)
    {
        Directory.CreateDirectory(Folder);
        var database = await LineDatabase.OpenAsync(Path.Combine(Folder, lineId + ".db"), Synchronous, CancellationToken.None).ConfigureAwait(false);
        database.Journalled += () => Journalled?.Invoke(lineId);
        _ready[lineId] = database;
        return database;
    }
}
