namespace WaEngine.Sandbox.Protocol;

/// <summary>Faults the control API can inject on one device (<c>POST /sandbox/faults</c>).</summary>
public enum FaultKind
{
    /// <summary>Drop the device's connection without a word.</summary>
    Drop,

    /// <summary>End the stream with an error: a code (515, 503, …), <c>conflict</c> (replaced) or <c>401</c> (device removed).</summary>
    StreamError,

    /// <summary>Hold the next <c>count</c> stanzas to the device for <c>ms</c> each.</summary>
    Delay,

    /// <summary>Silently drop the next <c>count</c> stanzas to the device (they stay queued until a reconnect).</summary>
    DropStanzas,

    /// <summary>Answer the device's next <c>count</c> messages to other accounts with an error ack (<c>code</c>, default 463) instead of routing them.</summary>
    ErrorAck,

    /// <summary>Corrupt the encrypted payload of the next <c>count</c> messages delivered to the device, so its decrypt fails.</summary>
    CorruptNext,

    /// <summary>
    /// With <c>ms</c>: the server goes silent toward the device for that long without closing — it ignores everything the
    /// device sends and sends it nothing (what it owes the device stays queued and is replayed at a login after the
    /// silence); a new connection during the silence gets its Noise handshake and its login's <c>&lt;success&gt;</c>,
    /// then nothing. Without <c>ms</c>: ignore the next <c>count</c> stanzas the device sends (no answer, no ack) while
    /// everything else flows.
    /// </summary>
    Mute,

    /// <summary>
    /// Take the device's next <c>count</c> messages to other accounts and neither route nor ack them, while everything else
    /// flows: a message lost between the client and the server on a connection that still answers pings.
    /// </summary>
    LoseMessage,

    /// <summary>Send the device, now, a frame that decrypts but is no binary node (a payload flagged compressed that does not inflate).</summary>
    MalformedNode,

    /// <summary>Send the device, now, one frame of about 8 MiB (half the 3-byte length's ceiling): a notification of an unknown type carrying a blob.</summary>
    OversizedFrame,

    /// <summary>Send the device, now, stanzas it cannot know: a top-level tag of no family, and a notification of an unknown type (which, like every notification, it must ack, R6).</summary>
    UnknownStanza,

    /// <summary>Answer the device's next <c>count</c> prekey fetches (<c>encrypt</c> get <c>&lt;key&gt;</c>) with an error iq (<c>code</c>, default 500) instead of the bundles.</summary>
    FailKeyFetch,
}
