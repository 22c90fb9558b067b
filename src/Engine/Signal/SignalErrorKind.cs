namespace WaEngine.Engine.Signal;

/// <summary>What went wrong in a Signal operation.</summary>
internal enum SignalErrorKind
{
    /// <summary>No session (or sender key state) exists to encrypt or decrypt with.</summary>
    NoSession,

    /// <summary>The message authentication code did not match under any known session state.</summary>
    BadMac,

    /// <summary>The message's key was already used: a redelivery of a decrypted message.</summary>
    Duplicate,

    /// <summary>The peer's identity key differs from the one we trust for that address.</summary>
    UntrustedIdentity,

    /// <summary>A pkmsg names a one-time or signed prekey we do not have.</summary>
    InvalidPreKeyId,

    /// <summary>The bytes are not a well-formed message (version, length, fields, padding).</summary>
    InvalidMessage,

    /// <summary>A signature (signed prekey, sender key message) does not verify.</summary>
    InvalidSignature,

    /// <summary>The message is too far ahead of the chain (more skipped keys than allowed).</summary>
    TooManySkipped,
}
