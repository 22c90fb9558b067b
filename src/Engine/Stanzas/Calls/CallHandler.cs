using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Calls;

/// <summary>
/// The call family: every <c>&lt;call&gt;</c> is acked with its attributes echoed (SERVER-RULES R6) and never answered;
/// an offer is recorded in the line's call log (once per call id, so a replayed offer is not a second call) and then
/// published as <see cref="CallReceived"/>. Called only on the line's loop.
/// </summary>
internal sealed class CallHandler(LineId lineId, ICallLog? calls, TimeProvider time)
{
    /// <summary>A <c>call</c> stanza: the ack, and for a new offer the event.</summary>
    public async Task<StanzaOutcome> HandleAsync(Node node, LineContext context)
    {
        var ack = ReceiptStanzas.BuildAck(node);
        if (CallStanzas.ParseOffer(node, time.GetUtcNow()) is not { } call)
        {
            return StanzaOutcome.Reply(ack);
        }

        // Recorded before the ack: a crash in between means the server replays the offer, and the log dedupes it.
        var isNew = calls is null || await calls.RecordAsync(call, context.Lifetime).ConfigureAwait(false);
        return isNew
            ? new StanzaOutcome { Replies = [ack], Events = [new CallReceived(lineId, time.GetUtcNow(), call)] }
            : StanzaOutcome.Reply(ack);
    }
}
