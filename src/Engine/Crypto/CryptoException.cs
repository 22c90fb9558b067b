namespace WaEngine.Engine.Crypto;

/// <summary>
/// A cryptographic check or operation failed: a bad authentication tag, a signature that does not verify,
/// a key of the wrong length, a degenerate key agreement. Raised all-or-nothing: no partial output escapes.
/// </summary>
public sealed class CryptoException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public CryptoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the platform's error.</summary>
    public CryptoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
