namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The participant hash of each 1:1 message written and not yet acked, with the users whose device lists it came from,
/// so the server's ack can be compared with it (SERVER-RULES R16). Bounded; used only on the line's loop.
/// </summary>
internal sealed class SentParticipantHashes
{
    private const int Limit = 4096;
    private readonly Dictionary<string, (string Hash, string[] Users)> _pending = new(StringComparer.Ordinal);

    /// <summary>Remembers the hash message <paramref name="msgId"/> was written with.</summary>
    public void Remember(string msgId, string hash, string[] users)
    {
        if (_pending.Count >= Limit)
        {
            _pending.Clear();
        }

        _pending[msgId] = (hash, users);
    }

    /// <summary>The hash and users of <paramref name="msgId"/>, forgotten from now on; null if unknown.</summary>
    public (string Hash, string[] Users)? Take(string msgId) => _pending.Remove(msgId, out var entry) ? entry : null;
}
