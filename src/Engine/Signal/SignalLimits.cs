namespace WaEngine.Engine.Signal;

/// <summary>The bounds on stored state, taken from libsignal (Node 6.0.0 and Java) and Baileys' group cipher.</summary>
internal static class SignalLimits
{
    /// <summary>How far ahead of a chain a message may be (libsignal: "Over 2000 messages into the future").</summary>
    public const int MaxForwardJump = 2000;

    /// <summary>Skipped message keys kept per chain; the oldest are dropped first (libsignal Java MAX_MESSAGE_KEYS).</summary>
    public const int MaxSkippedKeysPerChain = 2000;

    /// <summary>Receiving chains kept per session state (libsignal Java MAX_RECEIVER_CHAINS).</summary>
    public const int MaxReceiverChains = 5;

    /// <summary>Old session states kept in a record (libsignal Node CLOSED_SESSIONS_MAX, Java ARCHIVED_STATES_MAX_LENGTH).</summary>
    public const int MaxPreviousStates = 40;

    /// <summary>Sender key states kept per sender (Baileys SenderKeyRecord.MAX_STATES).</summary>
    public const int MaxSenderKeyStates = 5;

    /// <summary>The protocol version byte: (3 &lt;&lt; 4) | 3.</summary>
    public const byte VersionByte = 0x33;

    /// <summary>Length of the truncated WhisperMessage MAC.</summary>
    public const int MacLength = 8;
}
