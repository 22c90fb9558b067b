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

    /// <summary>Connects within <see cref="LineOptions.ConnectTimeout"/>; the caller disposes the result.</summary>
    public static async Task<NoiseConnection> ConnectAsync(LineOptions options, TimeProvider time, KeyPair noiseKey, byte[] payload, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(options.ServerUrl, timeout.Token).ConfigureAwait(false);
            var frames = WebSocketFrameTransport.ForClient(socket);
            var handshake = new NoiseClientHandshake(noiseKey, new NoiseCertificateVerifier(options.TrustedRootKey, time));
            return await NoiseHandshakeDriver.RunClientAsync(frames, handshake, payload, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectFailure(ex))
        {
            socket.Dispose();
            throw;
        }
    }
}
