namespace WaEngine.Engine.Stanzas.Pairing;

/// <summary>
/// The refs of one pair-device list, shown one after the other: the first for <c>first</c>, each later one for
/// <c>next</c>. When they run out the pairing attempt is over (no loop).
/// </summary>
public sealed class QrRotation
{
    private readonly IReadOnlyList<string> _refs;
    private readonly TimeSpan _first;
    private readonly TimeSpan _next;
    private int _index;

    /// <summary>Creates the rotation.</summary>
    public QrRotation(IReadOnlyList<string> refs, TimeSpan first, TimeSpan next)
    {
        ArgumentNullException.ThrowIfNull(refs);
        _refs = refs;
        _first = first;
        _next = next;
    }

    /// <summary>Refs not yet shown.</summary>
    public int Remaining => _refs.Count - _index;

    /// <summary>The next ref and when it expires, or null when every ref was shown.</summary>
    public (string Ref, DateTimeOffset ExpiresAt)? Next(DateTimeOffset now)
    {
        if (_index >= _refs.Count)
        {
            return null;
        }

        var lifetime = _index == 0 ? _first : _next;
        return (_refs[_index++], now + lifetime);
    }
}
