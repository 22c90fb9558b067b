using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Calls;

/// <summary>Reads incoming <c>&lt;call&gt;</c> stanzas (W:call.go, B:handleCall): the first child says what happened (offer, terminate, reject…).</summary>
public static class CallStanzas
{
    /// <summary>The call an <c>offer</c> (or <c>offer_notice</c>) announces; null for every other call stanza.</summary>
    /// <exception cref="StanzaException">An offer without <c>call-id</c>, or whose caller or time is malformed.</exception>
    public static IncomingCall? ParseOffer(Node call, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        var info = call.FirstChild();
        if (info is null || info.Tag is not ("offer" or "offer_notice"))
        {
            return null;
        }

        var outer = new AttributeReader(call);
        var from = outer.Jid("from");
        var t = outer.OptionalInt64("t");
        var inner = new AttributeReader(info);
        var callId = inner.String("call-id");
        var creator = inner.OptionalJid("call-creator");
        outer.ThrowIfInvalid();
        inner.ThrowIfInvalid();

        var caller = (creator ?? from) with { Device = null, Agent = null };
        var at = t is > 0 ? DateTimeOffset.FromUnixTimeSeconds(t.Value) : now;
        return new IncomingCall(callId, caller, info.Child("video") is not null, at);
    }
}
