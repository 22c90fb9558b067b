namespace WaEngine.Engine.Pairing;

/// <summary>
/// Pairing could not go on: a malformed QR string or pairing code, a wrapped key of the wrong size,
/// a key bundle naming other identities than expected, or a pair-success that does not verify.
/// </summary>
internal sealed class PairingException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public PairingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the cause.</summary>
    public PairingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
