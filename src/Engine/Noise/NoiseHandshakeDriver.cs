using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Noise;

/// <summary>Runs a handshake state machine over a frame transport, for either role.</summary>
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

    /// <summary>Server: reads ClientHello, answers ServerHello, reads ClientFinish.</summary>
    /// <returns>The encrypted connection and what the client sent (static key, ClientPayload bytes).</returns>
    /// <exception cref="NoiseHandshakeException">The client's messages are invalid.</exception>
    public static async Task<(NoiseConnection Connection, NoiseClientFinish Finish)> RunServerAsync(
        IFrameTransport frames, NoiseServerHandshake handshake, CancellationToken cancellationToken)
    {
        var clientHello = await frames.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        handshake.ReadClientHello(clientHello);
        await frames.SendFrameAsync(handshake.CreateServerHello(), cancellationToken).ConfigureAwait(false);
        var clientFinish = await frames.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        var finish = handshake.ReadClientFinish(clientFinish);
        return (new NoiseConnection(frames, handshake.Split()), finish);
    }
}
