namespace WaEngine.Engine.Signal;

/// <summary>A Signal encrypt, decrypt or session setup failed; <see cref="Kind"/> says why.</summary>
internal sealed class SignalException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public SignalException(SignalErrorKind kind, string message, SignalAddress? address = null, byte[]? identityKey = null)
        : base(message)
    {
        Kind = kind;
        Address = address;
        IdentityKey = identityKey;
    }

    /// <summary>Creates the exception wrapping a lower-level cause.</summary>
    public SignalException(SignalErrorKind kind, string message, Exception innerException, SignalAddress? address = null)
        : base(message, innerException)
    {
        Kind = kind;
        Address = address;
    }

    /// <summary>The kind of failure.</summary>
    public SignalErrorKind Kind { get; }

    /// <summary>The peer address concerned, when there is one.</summary>
    public SignalAddress? Address { get; }

    /// <summary>For <see cref="SignalErrorKind.UntrustedIdentity"/>: the new (untrusted) 32-byte identity key.</summary>
    public byte[]? IdentityKey { get; }
}
