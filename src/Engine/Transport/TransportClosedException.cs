namespace WaEngine.Engine.Transport;

/// <summary>The connection under the frames closed (cleanly, on a frame boundary) while a frame was awaited or sent.</summary>
internal sealed class TransportClosedException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public TransportClosedException(string message)
        : base(message)
    {
    }
}
