using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// What one logged-in connection was sent and still owes an acknowledgement for (SERVER-RULES R6): every
/// <c>message</c>, <c>receipt</c>, <c>notification</c> and <c>call</c> with an id. An <c>&lt;ack&gt;</c> settles the
/// stanza of its class and id, and must echo the stanza's <c>participant</c> and <c>recipient</c>, and its <c>type</c>
/// for every class but <c>message</c> (whatsmeow leaves the type off message acks and the server takes that;
/// W:receipt.go sendAck, B:stanza-ack.js buildAckStanza). A message is also settled by the device's receipt for it
/// (delivery, <c>inactive</c>, <c>sender</c>, <c>peer_msg</c>…), but not by a retry receipt: the references send an
/// ack after that one (W:message.go decryptMessages, B:handleMessage). Thread-safe: stanzas are sent from any task.
/// </summary>
public sealed class AckLedger(TimeProvider time)
{
    private static readonly string[] EchoedAttributes = ["participant", "recipient", "type"];
    private readonly Lock _gate = new();
    private const int RememberedSettled = 256;
    private readonly List<Owed> _owed = [];
    private readonly Queue<Owed> _settled = new();

    /// <summary>How many stanzas wait for an acknowledgement.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _owed.Count;
            }
        }
    }

    /// <summary>Whether a client must acknowledge <paramref name="node"/>.</summary>
    public static bool NeedsAck(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Tag is "message" or "receipt" or "notification" or "call" && node.Attr("id") is not null;
    }

    /// <summary>Records that <paramref name="node"/> went to the client now (ignored unless it needs an ack; a second copy of a stanza already owed keeps the first time).</summary>
    public void Sent(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!NeedsAck(node))
        {
            return;
        }

        var owed = new Owed(node.Tag, node.Attr("id")!, node.Attr("from"), node.Attr("participant"), node.Attr("recipient"), node.Attr("type"), time.GetUtcNow());
        lock (_gate)
        {
            if (!_owed.Contains(owed with { SentAt = default }, SameStanza.Instance))
            {
                _owed.Add(owed);
            }
        }
    }

    /// <summary>
    /// Settles the stanza <paramref name="ack"/> acknowledges. Returns null when it matched one (or none was owed: a
    /// duplicate ack is harmless), else what the ack lacks or gets wrong, for the breach log; the stanza then stays
    /// owed.
    /// </summary>
    public string? Acknowledge(Node ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        var id = ack.Attr("id");
        var stanzaClass = ack.Attr("class");
        if (id is null || stanzaClass is null)
        {
            return $"an ack without {(id is null ? "id" : "class")}";
        }

        lock (_gate)
        {
            // Several stanzas can share a class and id (the receipts of one message from each of the sender's devices,
            // its delivery and then its read receipt): an ack is judged only against those from the sender it echoes
            // (`to`), its own type first, so that one ack never settles another's stanza, and a second ack of a stanza
            // delivered twice (at least once) is as harmless as any duplicate.
            var to = ack.Attr("to");
            var type = ack.Attr("type");
            var candidates = _owed.Where(o => o.Class == stanzaClass && o.Id == id && (to is null || o.From is null || o.From == to))
                .OrderBy(o => o.Type == type ? 0 : 1)
                .ToList();
            if (candidates.Count == 0)
            {
                return null;
            }

            var problems = new List<string>();
            foreach (var candidate in candidates)
            {
                var problem = Mismatch(candidate, ack);
                if (problem is null)
                {
                    _owed.Remove(candidate);
                    Remember(candidate);
                    return null;
                }

                problems.Add(problem);
            }

            // A stanza delivered twice (at least once) is acked twice: the second ack, matching one already settled, is
            // harmless. The stanza it does not fit stays owed, so an ack that truly lacks an attribute still ends up
            // as an unacked stanza past the timeout.
            if (_settled.Any(s => s.Class == stanzaClass && s.Id == id && (to is null || s.From == to) && Mismatch(s, ack) is null))
            {
                return null;
            }

            return $"ack of {stanzaClass} {id} to {to ?? "nobody"}: {problems[0]} (owed: {string.Join(", ", candidates.Select(c => $"from {c.From} type {c.Type ?? "none"}"))})";
        }
    }

    /// <summary>A receipt the client sent: a non-retry receipt settles the messages it names.</summary>
    public void ReceiptSent(Node receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Attr("type") == "retry" || receipt.Attr("id") is not { } first)
        {
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal) { first };
        ids.UnionWith(receipt.Child("list")?.ChildrenNamed("item").Select(i => i.Attr("id")).OfType<string>() ?? []);
        lock (_gate)
        {
            _owed.RemoveAll(o => o.Class == "message" && ids.Contains(o.Id));
        }
    }

    /// <summary>The oldest stanza still owed that went out <paramref name="timeout"/> or longer ago, if any.</summary>
    public Owed? Overdue(TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() - timeout;
        lock (_gate)
        {
            return _owed.Where(o => o.SentAt <= deadline).OrderBy(o => o.SentAt).FirstOrDefault();
        }
    }

    /// <summary>Stops waiting for <paramref name="owed"/> (a lenient sandbox reported it once).</summary>
    public void Forget(Owed owed)
    {
        lock (_gate)
        {
            _owed.Remove(owed);
        }
    }

    private void Remember(Owed settled)
    {
        _settled.Enqueue(settled);
        if (_settled.Count > RememberedSettled)
        {
            _settled.Dequeue();
        }
    }

    private static string? Mismatch(Owed owed, Node ack)
    {
        foreach (var key in EchoedAttributes)
        {
            var expected = key switch
            {
                "participant" => owed.Participant,
                "recipient" => owed.Recipient,
                _ => owed.Class == "message" ? null : owed.Type,
            };
            if (expected is null)
            {
                continue;
            }

            var echoed = ack.Attr(key);
            if (echoed is null)
            {
                return $"lacks {key}=\"{expected}\"";
            }

            if (!string.Equals(echoed, expected, StringComparison.Ordinal))
            {
                return $"has {key}=\"{echoed}\" where the stanza had \"{expected}\"";
            }
        }

        return null;
    }

    /// <summary>A stanza the client owes an ack for.</summary>
    /// <param name="Class">Its tag.</param>
    /// <param name="Id">Its id.</param>
    /// <param name="From">Its <c>from</c>.</param>
    /// <param name="Participant">Its <c>participant</c>, if it had one.</param>
    /// <param name="Recipient">Its <c>recipient</c>, if it had one.</param>
    /// <param name="Type">Its <c>type</c>, if it had one.</param>
    /// <param name="SentAt">When it went out.</param>
    public sealed record Owed(string Class, string Id, string? From, string? Participant, string? Recipient, string? Type, DateTimeOffset SentAt);

    private sealed class SameStanza : IEqualityComparer<Owed>
    {
        public static readonly SameStanza Instance = new();

        public bool Equals(Owed? x, Owed? y) => x is not null && y is not null && x with { SentAt = default } == y with { SentAt = default };

        public int GetHashCode(Owed obj) => (obj with { SentAt = default }).GetHashCode();
    }
}
