namespace WaEngine.Engine.Transport;

/// <summary>
/// A duplex carrier of whole frames (payloads without their length prefix): a websocket in production,
/// an in-memory pair in tests. Implementations add the length prefix, and on a client the intro header before
/// the first frame; a server implementation checks and strips that intro.
/// </summary>
public interface IFrameTransport : IAsyncDisposable
{
    /// <summary>Sends one frame.</summary>
    ValueTask SendFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Waits for the next frame.</summary>
    /// <exception cref="FrameException">The peer broke the framing, or closed the connection inside a frame.</exception>
    /// <exception cref="TransportClosedException">The connection closed on a frame boundary.</exception>
    ValueTask<byte[]> ReceiveFrameAsync(CancellationToken cancellationToken);
}
