using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Media;

/// <summary>
/// One line's <see cref="MediaConn"/>, asked for when there is none, when it expired, or when a host refused its
/// auth (<c>refresh</c>); concurrent callers share one query.
/// </summary>
public sealed class MediaConnCache
{
    private readonly Func<Node, CancellationToken, Task<Node>> _query;
    private readonly Func<string> _nextId;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MediaConn? _current;

    /// <summary>Queries through <paramref name="query"/> (an iq round trip) with ids from <paramref name="nextId"/>.</summary>
    public MediaConnCache(Func<Node, CancellationToken, Task<Node>> query, Func<string> nextId, TimeProvider time)
    {
        _query = query ?? throw new ArgumentNullException(nameof(query));
        _nextId = nextId ?? throw new ArgumentNullException(nameof(nextId));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The current answer, fetched again when missing, expired, or older than <paramref name="staleIfFetchedBefore"/>.</summary>
    public async Task<MediaConn> GetAsync(DateTimeOffset? staleIfFetchedBefore, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_current is { } current && !current.IsExpired(now) && (staleIfFetchedBefore is null || current.FetchedAt > staleIfFetchedBefore))
            {
                return current;
            }

            var answer = await _query(MediaConn.BuildQuery(_nextId()), cancellationToken).ConfigureAwait(false);
            _current = MediaConn.Parse(answer, _time.GetUtcNow());
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }
}
