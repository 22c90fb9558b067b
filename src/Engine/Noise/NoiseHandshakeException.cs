namespace WaEngine.Engine.Noise;

/// <summary>
/// The Noise handshake failed: a malformed or out-of-order handshake message, a payload that does not
/// decrypt, or a server certificate chain that does not verify. The message names the check that failed.
/// </summary>
internal sealed class NoiseHandshakeException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public NoiseHandshakeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the lower-level cause.</summary>
    public NoiseHandshakeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
