using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Receipts;

namespace WaEngine.Engine.Session;

/// <summary>A handler of one kind of stanza.</summary>
internal delegate ValueTask<StanzaOutcome> StanzaHandler(Node stanza, LineContext context);

/// <summary>
/// Routes every stanza the server sends to the handler of its family, from three tables built once: top-level tag,
/// iq by type and first child, notification by <c>type</c>. Every notification is acked before its handler runs.
/// A stanza nobody handles is acked when it carries an id — messages, receipts, notifications and calls left unacked
/// are replayed by the server and end the stream (SERVER-RULES R6) — and logged. Called only on the line's loop.
/// </summary>
internal sealed class StanzaRouter
{
    private readonly IReadOnlyDictionary<string, StanzaHandler> _byTag;
    private readonly IReadOnlyDictionary<(string Type, string Child), StanzaHandler> _iqs;
    private readonly IReadOnlyDictionary<string, StanzaHandler> _notifications;
    private readonly ILogger _logger;

    /// <summary>Builds the router from its tables.</summary>
    /// <param name="byTag">Top-level tag → handler (<c>iq</c> and <c>notification</c> are routed by the other two tables).</param>
    /// <param name="iqs">Server iqs by (type, first child tag).</param>
    /// <param name="notifications">Notifications by <c>type</c>.</param>
    /// <param name="logger">Logs what is ignored.</param>
    public StanzaRouter(
        IReadOnlyDictionary<string, StanzaHandler> byTag,
        IReadOnlyDictionary<(string Type, string Child), StanzaHandler> iqs,
        IReadOnlyDictionary<string, StanzaHandler> notifications,
        ILogger logger)
    {
        _byTag = byTag;
        _iqs = iqs;
        _notifications = notifications;
        _logger = logger;
    }

    /// <summary>The top-level tags with a handler of their own (besides <c>iq</c> and <c>notification</c>).</summary>
    public IReadOnlyCollection<string> Tags => [.. _byTag.Keys, "iq", "notification"];

    /// <summary>The iq kinds handled, as (type, first child tag).</summary>
    public IReadOnlyCollection<(string Type, string Child)> IqKinds => [.. _iqs.Keys];

    /// <summary>The notification types with a handler.</summary>
    public IReadOnlyCollection<string> NotificationTypes => [.. _notifications.Keys];

    /// <summary>
    /// Handles one stanza. A handler that finds the stanza malformed (it throws) is logged, and the stanza is still
    /// acked when it carries an id: a stanza left unacked is replayed at every login (R6).
    /// </summary>
    public async ValueTask<StanzaOutcome> RouteAsync(Node stanza, LineContext context)
    {
        try
        {
            return await DispatchAsync(stanza, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StanzaException or Pairing.PairingException or Crypto.CryptoException)
        {
            LineLog.StanzaFailed(_logger, stanza.Tag, ex.Message);
            return NeedsAck(stanza) ? StanzaOutcome.Reply(ReceiptStanzas.BuildAck(stanza)) : StanzaOutcome.None;
        }
    }

    private static bool NeedsAck(Node stanza) => stanza.Attr("id") is not null && stanza.Tag is not ("ack" or "iq");

    private async ValueTask<StanzaOutcome> DispatchAsync(Node stanza, LineContext context)
    {
        switch (stanza.Tag)
        {
            case "iq":
                var child = stanza.FirstChild()?.Tag ?? "";
                var type = stanza.Attr("type") ?? "";
                if (_iqs.TryGetValue((type, child), out var iq))
                {
                    return await iq(stanza, context).ConfigureAwait(false);
                }

                LineLog.Ignored(_logger, $"iq {type} {child}");
                return StanzaOutcome.None;
            case "notification":
                var ack = ReceiptStanzas.BuildAck(stanza);
                if (_notifications.TryGetValue(stanza.Attr("type") ?? "", out var notification))
                {
                    var outcome = await notification(stanza, context).ConfigureAwait(false);
                    return outcome with { Replies = [ack, .. outcome.Replies] };
                }

                LineLog.Ignored(_logger, $"notification {stanza.Attr("type")}");
                return StanzaOutcome.Reply(ack);
            default:
                if (_byTag.TryGetValue(stanza.Tag, out var handler))
                {
                    return await handler(stanza, context).ConfigureAwait(false);
                }

                LineLog.Ignored(_logger, stanza.Tag);
                return NeedsAck(stanza) ? StanzaOutcome.Reply(ReceiptStanzas.BuildAck(stanza)) : StanzaOutcome.None;
        }
    }
}
