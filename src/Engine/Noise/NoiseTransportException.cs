namespace WaEngine.Engine.Noise;

/// <summary>
/// A frame after the handshake could not be decrypted (altered, replayed, out of order, or the wrong key),
/// or a nonce counter is exhausted. The connection cannot continue after it.
/// </summary>
internal sealed class NoiseTransportException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public NoiseTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the lower-level cause.</summary>
    public NoiseTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
