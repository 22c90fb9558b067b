using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// SERVER-RULES R14 for one connection: a message from the account's own phone sent as <c>category="peer"</c> is
/// receipted <c>peer_msg</c> (or <c>retry</c> when it did not decrypt), never as an ordinary delivery (W:message.go
/// sendMessageReceipt, B:messages-recv handleMessage); a history-sync notification also gets <c>hist_sync</c>. The server only notices another receipt (counted, not refused).
/// Remembers the last peer messages sent; thread-safe.
/// </summary>
public sealed class PeerReceiptRule
{
    private const int Remembered = 256;
    private readonly Lock _gate = new();
    private readonly Queue<string> _order = new();
    private readonly HashSet<string> _peerIds = new(StringComparer.Ordinal);

    /// <summary>A stanza went to the device: a peer message is remembered.</summary>
    public void Sent(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Tag != "message" || node.Attr("category") != "peer" || node.Attr("id") is not { } id)
        {
            return;
        }

        lock (_gate)
        {
            if (_peerIds.Add(id))
            {
                _order.Enqueue(id);
                if (_order.Count > Remembered)
                {
                    _peerIds.Remove(_order.Dequeue());
                }
            }
        }
    }

    /// <summary>Counts an R14 breach when <paramref name="receipt"/> answers a peer message with another type than <c>peer_msg</c>, <c>hist_sync</c> or <c>retry</c>.</summary>
    public void Check(RuleBook rules, string client, Node receipt)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(receipt);
        var type = receipt.Attr("type");
        if (type is "peer_msg" or "hist_sync" or "retry" || receipt.Attr("id") is not { } id)
        {
            return;
        }

        bool peer;
        lock (_gate)
        {
            peer = _peerIds.Contains(id);
        }

        if (peer)
        {
            rules.Notice(ServerRule.R14, client, $"receipt type=\"{type ?? "delivery"}\" for peer message {id}, where peer_msg is due");
        }
    }
}
