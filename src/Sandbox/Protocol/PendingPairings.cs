using System.Collections.Concurrent;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The companions waiting to be paired: by each ref they may show as a QR code, and by the phone number they asked to
/// link to by code. A companion leaves both when it is paired or its connection ends.
/// </summary>
internal sealed class PendingPairings
{
    private readonly ConcurrentDictionary<string, PendingPairing> _byRef = new();
    private readonly ConcurrentDictionary<string, PendingCodePairing> _byPhone = new();

    /// <summary>The registration connections still waiting.</summary>
    public IEnumerable<ServerConnection> Connections => _byRef.Values.Select(p => p.Connection);

    /// <summary>Records a companion under every ref it was sent.</summary>
    public void Add(PendingPairing pending)
    {
        foreach (var r in pending.Refs)
        {
            _byRef[r] = pending;
        }
    }

    /// <summary>The companion that was sent <paramref name="reference"/>, if it still waits.</summary>
    public bool TryFindByRef(string reference, out PendingPairing pending) => _byRef.TryGetValue(reference, out pending!);

    /// <summary>The companion waiting on <paramref name="connection"/>, if any.</summary>
    public PendingPairing? FindByConnection(ServerConnection connection) => _byRef.Values.FirstOrDefault(p => p.Connection == connection);

    /// <summary>Records that a companion asked to link to <paramref name="code"/>'s phone by code (replacing an earlier ask).</summary>
    public void AddCode(PendingCodePairing code) => _byPhone[code.Phone] = code;

    /// <summary>The companion waiting to link to <paramref name="phone"/> by code, if any.</summary>
    public bool TryFindCode(string phone, out PendingCodePairing code) => _byPhone.TryGetValue(phone, out code!);

    /// <summary>The code pairing under way on <paramref name="connection"/>, if any.</summary>
    public PendingCodePairing? FindCodeByConnection(ServerConnection connection) => _byPhone.Values.FirstOrDefault(p => p.Pending.Connection == connection);

    /// <summary>Drops <paramref name="code"/> if it is still the one waiting for its phone.</summary>
    public void RemoveCode(PendingCodePairing code) => _byPhone.TryRemove(new KeyValuePair<string, PendingCodePairing>(code.Phone, code));

    /// <summary>Forgets a companion: its refs, and its code pairing (whose wait is cancelled).</summary>
    public void Forget(PendingPairing pending)
    {
        foreach (var (phone, code) in _byPhone)
        {
            if (code.Pending == pending)
            {
                _byPhone.TryRemove(new KeyValuePair<string, PendingCodePairing>(phone, code));
                code.Finish.TrySetCanceled();
            }
        }

        foreach (var r in pending.Refs)
        {
            _byRef.TryRemove(new KeyValuePair<string, PendingPairing>(r, pending));
        }
    }
}
