namespace WaEngine.Sandbox.Groups;

/// <summary>One group message the server fanned out (kept for tests and bench/group-fanout).</summary>
/// <param name="MsgId">The message id.</param>
/// <param name="Sender">The sending device.</param>
/// <param name="GroupJid">The group.</param>
/// <param name="SenderKeyParts">Pairwise parts under <c>&lt;participants&gt;</c> (the sender-key distribution, one per device lacking the key), or the retry's one part.</param>
/// <param name="Stanzas">The <c>&lt;message&gt;</c> stanzas the server wrote to participant devices.</param>
/// <param name="Retry">A retry resend to one device (<c>participant</c> set, top-level <c>enc</c>).</param>
public sealed record GroupFanOut(string MsgId, string Sender, string GroupJid, int SenderKeyParts, int Stanzas, bool Retry);
