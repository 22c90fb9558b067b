namespace WaEngine.Sandbox.Rules;

/// <summary>
/// The server rules the strict sandbox enforces, by their stable ids in <c>shared/protocol/SERVER-RULES.md</c>. The
/// sandbox logs the id whenever a client breaks one; the engine's tests are named with the id they prove.
/// </summary>
public enum ServerRule
{
    /// <summary>One address namespace (PN or LID) per 1:1 message stanza; a mixed one gets ack error 400.</summary>
    R1 = 1,

    /// <summary>Privacy tokens: a first message to a stranger without a valid token gets ack error 463.</summary>
    R2,

    /// <summary>Retry resends have their own shape (one device, top-level enc, device_fanout=false); else ack error 479.</summary>
    R3,

    /// <summary>Hosted devices get 1:1 messages too.</summary>
    R4,

    /// <summary>Group metadata queries are rate-limited (429).</summary>
    R5,

    /// <summary>Every message, receipt, notification and call is acked, its attributes echoed.</summary>
    R6,

    /// <summary>Failures are nacked with the right code (491, 487).</summary>
    R7,

    /// <summary>The client version is checked: below the minimum every login gets failure 405.</summary>
    R8,

    /// <summary>Failure codes decide whether to come back; a temporary ban (402) is extended by a login before it expires.</summary>
    R9,

    /// <summary>The websocket upgrade carries <c>Origin: https://web.whatsapp.com</c> and no tracing header.</summary>
    R10,

    /// <summary>The first prekey upload holds 812 keys.</summary>
    R11,

    /// <summary>Passkey-gated linking.</summary>
    R12,

    /// <summary>Delivery receipts are <c>inactive</c> until the client announces presence.</summary>
    R13,

    /// <summary>Messages from the account's own phone get a <c>peer_msg</c> receipt.</summary>
    R14,

    /// <summary><c>&lt;unavailable&gt;</c> messages are asked for again from the phone.</summary>
    R15,

    /// <summary>Identity changes drop sessions; a differing <c>phash</c> refreshes the device list.</summary>
    R16,

    /// <summary>A companion stays active (presence pulse).</summary>
    R17,

    /// <summary>Restores are spread out over time.</summary>
    R18,

    /// <summary>One connection per device: a second one replaces the first (stream error conflict).</summary>
    R19,
}
