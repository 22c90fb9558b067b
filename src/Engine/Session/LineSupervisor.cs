using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WaEngine.Engine.Session;

/// <summary>
/// Owns the session actors of a process, one per line id. <see cref="RestoreAsync"/> starts the lines whose
/// desired-running flag was set when the process stopped; <see cref="DisposeAsync"/> closes every line (connections
/// closed, background steps awaited) and then its stores.
/// </summary>
public sealed class LineSupervisor : IAsyncDisposable
{
    private readonly LineOptions _options;
    private readonly Func<LineId, CancellationToken, Task<LineStores>> _open;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<LineId, Lazy<Task<Line>>> _lines = new();
    private int _disposed;

    /// <summary>Creates the supervisor.</summary>
    /// <param name="options">The options every line connects with (validated here).</param>
    /// <param name="open">Opens a line's stores by id (creating them when new).</param>
    /// <param name="loggers">Loggers for the actors.</param>
    /// <param name="time">Time for the actors; the system clock by default.</param>
    public LineSupervisor(LineOptions options, Func<LineId, CancellationToken, Task<LineStores>> open, ILoggerFactory loggers, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _open = open ?? throw new ArgumentNullException(nameof(open));
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger<LineSupervisor>();
    }

    /// <summary>The ids of the lines this supervisor holds.</summary>
    public IReadOnlyCollection<LineId> LineIds => [.. _lines.Keys];

    /// <summary>The actor of <paramref name="lineId"/>, opening its stores and creating it (stopped) when needed.</summary>
    public async Task<LineActor> GetOrCreateAsync(LineId lineId, CancellationToken cancellationToken)
    {
        
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var entry = _lines.GetOrAdd(lineId, id => new Lazy<Task<Line>>(() => OpenAsync(id, cancellationToken)));
        try
        {
            return (await entry.Value.ConfigureAwait(false)).Actor;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _lines.TryRemove(new KeyValuePair<LineId, Lazy<Task<Line>>>(lineId, entry));
            throw;
        }
    }

    /// <summary>Opens every line in <paramref name="lineIds"/> and starts those that were running when the process stopped.</summary>
    /// <returns>How many lines were started.</returns>
    public async Task<int> RestoreAsync(IEnumerable<LineId> lineIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lineIds);
        var started = 0;
        foreach (var lineId in lineIds)
        {
            var actor = await GetOrCreateAsync(lineId, cancellationToken).ConfigureAwait(false);
            var line = await _lines[lineId].Value.ConfigureAwait(false);
            if (actor.Status == LineStatus.Stopped && await line.Stores.Credentials.GetDesiredRunningAsync(cancellationToken).ConfigureAwait(false))
            {
                await actor.StartAsync(cancellationToken).ConfigureAwait(false);
                started++;
            }
        }

        return started;
    }

    /// <summary>Closes one line (its actor and stores) and forgets it; its data stays.</summary>
    public async Task CloseAsync(LineId lineId)
    {
        if (_lines.TryRemove(lineId, out var entry))
        {
            await CloseAsync(entry).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every line, all at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var entries = _lines.Values.ToList();
        _lines.Clear();
        await Task.WhenAll(entries.Select(CloseAsync)).ConfigureAwait(false);
    }

    private async Task CloseAsync(Lazy<Task<Line>> entry)
    {
        Line line;
        try
        {
            line = await entry.Value.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LineLog.FlowFailed(_logger, "close of a line that never opened", ex.Message);
            return;
        }

        await line.Actor.DisposeAsync().ConfigureAwait(false);
        line.Stores.Resources?.Dispose();
    }

    private async Task<Line> OpenAsync(LineId lineId, CancellationToken cancellationToken)
    {
        var stores = await _open(lineId, cancellationToken).ConfigureAwait(false);
        var actor = new LineActor(lineId, _options, stores.Credentials, stores.Signal, stores.Messages, _loggers.CreateLogger<LineActor>(), _time);
        return new Line(actor, stores);
    }

    private sealed record Line(LineActor Actor, LineStores Stores);
}
