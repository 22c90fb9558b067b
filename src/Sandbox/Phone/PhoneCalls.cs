using System.Globalization;
using System.Security.Cryptography;
using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// A virtual phone rings another account: the server hands each of that account's companions a
/// <c>&lt;call&gt;&lt;offer/&gt;&lt;/call&gt;</c> and then the caller's <c>&lt;call&gt;&lt;terminate/&gt;&lt;/call&gt;</c>
/// (the shapes W:call.go and B:handleCall read: <c>call-id</c>, <c>call-creator</c>, <c>&lt;video/&gt;</c> for a video
/// call). Both are queued like messages and must be acked (SERVER-RULES R6); a companion never answers them.
/// </summary>
public static class PhoneCalls
{
    /// <summary>Rings <paramref name="to"/>'s companions from <paramref name="from"/>'s phone; returns the call id.</summary>
    public static async Task<string> RingAsync(SandboxNetwork network, SandboxAccount from, SandboxAccount to, bool video, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(time);
        var callId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await network.DeliverToCompanionsAsync(to, "call", BuildOffer(NewStanzaId(), callId, from, video, now), cancellationToken).ConfigureAwait(false);
        await network.DeliverToCompanionsAsync(to, "call", BuildTerminate(NewStanzaId(), callId, from, now), cancellationToken).ConfigureAwait(false);
        return callId;
    }

    /// <summary>The offer a callee's device gets.</summary>
    public static Node BuildOffer(string stanzaId, string callId, SandboxAccount caller, bool video, long at)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var media = new List<Node>
        {
            new("audio", NodeAttributes.Of(("enc", "opus"), ("rate", "16000"))),
            new("audio", NodeAttributes.Of(("enc", "opus"), ("rate", "8000"))),
        };
        if (video)
        {
            media.Add(new Node("video", NodeAttributes.Of(("enc", "vp8"), ("dec", "vp8"))));
        }

        media.Add(new Node("net", NodeAttributes.Of(("medium", "3"))));
        var offer = new Node("offer", NodeAttributes.Of(("call-id", callId), ("call-creator", caller.Jid), ("count", "0")), media);
        return new Node("call", CallAttributes(stanzaId, caller, at), [offer]);
    }

    /// <summary>The caller hanging up.</summary>
    public static Node BuildTerminate(string stanzaId, string callId, SandboxAccount caller, long at)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var terminate = new Node("terminate", NodeAttributes.Of(("call-id", callId), ("call-creator", caller.Jid)));
        return new Node("call", CallAttributes(stanzaId, caller, at), [terminate]);
    }

    private static NodeAttributes CallAttributes(string stanzaId, SandboxAccount caller, long at)
    {
        var attributes = new List<(string, string)> { ("from", caller.Jid), ("id", stanzaId), ("t", at.ToString(CultureInfo.InvariantCulture)) };
        if (caller.PushName is { Length: > 0 } name)
        {
            attributes.Add(("notify", name));
        }

        return NodeAttributes.Of([.. attributes]);
    }

    private static string NewStanzaId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
}
