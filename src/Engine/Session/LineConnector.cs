using System.Globalization;
using System.Net.WebSockets;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Storage;
using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Session;

/// <summary>Opens one connection: websocket, Noise handshake against the trusted root, with the registration or login payload.</summary>
internal static class LineConnector
{
    /// <summary>Exceptions that mean "this attempt failed" (as opposed to a bug).</summary>
    public static bool IsConnectFailure(Exception ex) =>
        ex is WebSocketException or OperationCanceledException or NoiseHandshakeException or TransportClosedException
            or FrameException or IOException or CryptoException;

    /// <summary>The login payload for paired credentials, else the registration payload.</summary>
    public static byte[] BuildPayload(ClientPayloadBuilder payloads, DeviceCredentials credentials)
    {
        if (credentials.IsPaired)
        {
            var me = Jid.Parse(credentials.Me!);
            return payloads.BuildLogin(ulong.Parse(me.User, CultureInfo.InvariantCulture), me.Device ?? 0).ToByteArray();
        }

        return payloads.BuildRegistration(new ClientPayloadRegistration(
            credentials.RegistrationId,
            credentials.IdentityKey.PublicKey,
            credentials.SignedPreKey.Id,
            credentials.SignedPreKey.KeyPair.PublicKey,
            credentials.SignedPreKey.Signature)).ToByteArray();
    }

    /// <summary>
    /// Connects within <see cref="LineOptions.ConnectTimeout"/> over the options' transport and runs the Noise handshake;
    /// the answer is the mail for the line's loop: the connection (its frames then go to <paramref name="mailbox"/>
    /// stamped with <paramref name="generation"/>), or why it failed.
    /// </summary>
    public static async Task<LineMail> ConnectAsync(LineOptions options, TimeProvider time, KeyPair noiseKey, byte[] payload, int generation, LineMailbox mailbox, CancellationToken cancellationToken)
    {
        IFrameTransport? frames = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            frames = await (options.Transport ?? ConnectWebSocketAsync)(options.ServerUrl, timeout.Token).ConfigureAwait(false);
            var handshake = new NoiseClientHandshake(noiseKey, new NoiseCertificateVerifier(options.TrustedRootKey, time));
            var noise = await NoiseHandshakeDriver.RunClientAsync(frames, handshake, payload, timeout.Token).ConfigureAwait(false);
            return new LineMail.Connected(generation, new LineConnection(
                noise,
                generation,
                time,
                (node, ct) => mailbox.PostAsync(new LineMail.Received(generation, node), ct),
                (error, ct) => mailbox.PostAsync(new LineMail.Closed(generation, error), ct)));
        }
        catch (Exception ex) when (IsConnectFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            if (frames is not null)
            {
                await frames.DisposeAsync().ConfigureAwait(false);
            }

            return new LineMail.ConnectFailed(generation, ex);
        }
    }

    /// <summary>The default transport: a websocket to <paramref name="server"/>.</summary>
    public static async Task<IFrameTransport> ConnectWebSocketAsync(Uri server, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            return WebSocketFrameTransport.ForClient(socket);
        }
        catch (Exception ex) when (IsConnectFailure(ex))
        {
            socket.Dispose();
            throw;
        }
    }
}
