using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// The WhatsApp Web version lines announce, shared by the lines of a host: a known version, and a way to read the one
/// WhatsApp Web publishes now (<see cref="WaWebVersionFetcher"/>). A refresh moves the known version forward only, never
/// back; a refresh that fails keeps the last known version and says so (log, <see cref="LastError"/>). Refreshes that
/// overlap (many lines refused with 405 at once) share one fetch. Thread-safe.
/// </summary>
public sealed partial class WaWebVersionSource
{
    private readonly Func<CancellationToken, Task<WaWebVersion>>? _fetchPublished;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private WaWebVersion _current;
    private Task<WaWebVersionRefresh>? _inFlight;
    private string? _lastError;

    /// <summary>Creates the source.</summary>
    /// <param name="known">The version to announce until a refresh finds a newer one.</param>
    /// <param name="fetchPublished">Reads the published version (throws <see cref="WaEngineException"/> when it cannot); null: no refresh, the known version is final.</param>
    /// <param name="logger">Where refreshes are reported.</param>
    public WaWebVersionSource(WaWebVersion known, Func<CancellationToken, Task<WaWebVersion>>? fetchPublished = null, ILogger? logger = null)
    {
        _current = known;
        _fetchPublished = fetchPublished;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The version to announce now.</summary>
    public WaWebVersion Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Whether this source can read the published version at all.</summary>
    public bool CanRefresh => _fetchPublished is not null;

    /// <summary>Why the last refresh failed, or null when it worked (or none ran).</summary>
    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    /// <summary>
    /// Reads the published version once (joining a read already under way) and adopts it when it is newer than the
    /// known one. Never throws for a failed read: the answer says what went wrong and the known version stays.
    /// </summary>
    public Task<WaWebVersionRefresh> RefreshAsync(CancellationToken cancellationToken)
    {
        Task<WaWebVersionRefresh> shared;
        lock (_gate)
        {
            if (_fetchPublished is null)
            {
                return Task.FromResult(new WaWebVersionRefresh(_current, null, "no source to read WhatsApp Web's version from (the refresh is turned off)"));
            }

            shared = _inFlight ??= FetchOnceAsync(_fetchPublished);
        }

        return shared.WaitAsync(cancellationToken);
    }

    private async Task<WaWebVersionRefresh> FetchOnceAsync(Func<CancellationToken, Task<WaWebVersion>> fetch)
    {
        await Task.Yield();
        WaWebVersionRefresh outcome;
        try
        {
            var published = await fetch(CancellationToken.None).ConfigureAwait(false);
            WaWebVersion before;
            WaWebVersion now;
            lock (_gate)
            {
                before = _current;
                if (published > _current)
                {
                    _current = published;
                }

                now = _current;
                _lastError = null;
            }

            if (now != before)
            {
                LogAdopted(before.ToString(), now.ToString());
            }
            else
            {
                LogUnchanged(published.ToString(), now.ToString());
            }

            outcome = new WaWebVersionRefresh(now, published, null);
        }
        catch (WaEngineException ex)
        {
            WaWebVersion kept;
            lock (_gate)
            {
                kept = _current;
                _lastError = ex.Message;
            }

            LogFailed(kept.ToString(), ex.Message);
            outcome = new WaWebVersionRefresh(kept, null, ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight = null;
            }
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp Web version {Before} → {After} (read from WhatsApp Web)")]
    private partial void LogAdopted(string before, string after);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp Web publishes {Published}; lines keep announcing {Current}")]
    private partial void LogUnchanged(string published, string current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp Web's version could not be read ({Error}); lines keep announcing the last known one, {Current}")]
    private partial void LogFailed(string current, string error);
}
