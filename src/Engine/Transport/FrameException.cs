namespace WaEngine.Engine.Transport;

/// <summary>
/// The byte stream under the Noise layer broke the framing rules: a length beyond the 3-byte maximum,
/// a missing or wrong connection header, or a stream that ended inside a frame.
/// </summary>
internal sealed class FrameException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public FrameException(string message)
        : base(message)
    {
    }
}
