using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Noise;

/// <summary>Runs the client handshake over a frame transport (the server role lives in the sandbox).</summary>
internal static class NoiseHandshakeDriver
{
    /// <summary>Client: ClientHello → ServerHello → ClientFinish, then the encrypted connection.</summary>
    /// <param name="frames">The transport (it adds the intro header to the first frame).</param>
    /// <param name="handshake">A fresh client handshake.</param>
    /// <param name="clientPayload">The serialized ClientPayload (registration or login).</param>
    /// <param name="cancellationToken">Cancels the wait for the server.</param>
    /// <exception cref="NoiseHandshakeException">The server's answer is invalid or its certificate does not verify.</exception>
    public static async Task<NoiseConnection> RunClientAsync(
        IFrameTransport frames, NoiseClientHandshake handshake, ReadOnlyMemory<byte> clientPayload, CancellationToken cancellationToken)
    {
        await frames.SendFrameAsync(handshake.CreateClientHello(), cancellationToken).ConfigureAwait(false);
        var serverHello = await frames.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        handshake.ReadServerHello(serverHello);
        await frames.SendFrameAsync(handshake.CreateClientFinish(clientPayload.Span), cancellationToken).ConfigureAwait(false);
        return new NoiseConnection(frames, handshake.Split());
    }
}
