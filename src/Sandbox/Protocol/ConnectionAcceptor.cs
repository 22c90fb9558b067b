using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Transport;
using WaEngine.Proto;
using WaEngine.Sandbox.Noise;
using WaEngine.Sandbox.Rules;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// Accepts client connections: runs the Noise handshake as the responder (within a time limit), reads the client's
/// payload, and hands the connection to registration (<see cref="CompanionPairing"/>) or to login
/// (<see cref="LoginDispatcher"/>). Once stopping, it refuses every new connection.
/// </summary>
internal sealed partial class ConnectionAcceptor(KeyPair staticKey, byte[] certificateChain, CompanionPairing pairing, LoginDispatcher login, ILoggerFactory loggerFactory)
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    private readonly ILogger<ConnectionAcceptor> _logger = loggerFactory.CreateLogger<ConnectionAcceptor>();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The login rules a connection meets first: its client version (R8).</summary>
    public required LoginRules Rules { get; init; }

    /// <summary>
    /// Refuses and ends every connection still coming in (Kestrel keeps accepting until it stops, after the sandbox):
    /// a client reconnecting quickly must not log in to a sandbox that is shutting down and hold a socket nobody will close.
    /// </summary>
    public Task StopAsync() => _stopping.CancelAsync();

    /// <summary>Serves one client connection until it ends.</summary>
    public async Task RunConnectionAsync(IFrameTransport frames, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            await frames.DisposeAsync().ConfigureAwait(false);
            return;
        }

        using var stoppingOrAborted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await ServeAsync(frames, stoppingOrAborted.Token).ConfigureAwait(false);
    }

    private async Task ServeAsync(IFrameTransport frames, CancellationToken cancellationToken)
    {
        NoiseConnection noise;
        NoiseClientFinish finish;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HandshakeTimeout);
            (noise, finish) = await new NoiseServerHandshake(staticKey, certificateChain).RunAsync(frames, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NoiseHandshakeException or FrameException or TransportClosedException or OperationCanceledException or CryptoException)
        {
            LogHandshakeFailed(ex.Message);
            await frames.DisposeAsync().ConfigureAwait(false);
            return;
        }

        await using var connection = new ServerConnection(noise, loggerFactory.CreateLogger<ServerConnection>());
        ClientPayload payload;
        try
        {
            payload = ClientPayload.Parser.ParseFrom(finish.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            await connection.CloseAsync(ServerConnection.StreamError("400", "bad-request")).ConfigureAwait(false);
            return;
        }

        if (Rules.RefuseConnection(payload, ClientName(payload)) is { } refusal)
        {
            await connection.CloseAsync(refusal).ConfigureAwait(false);
            return;
        }

        if (payload.DevicePairingData is not null)
        {
            await pairing.RunRegistrationAsync(connection, finish.ClientStaticKey, payload, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await login.RunLoginAsync(connection, finish.ClientStaticKey, payload, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ClientName(ClientPayload payload) =>
        payload.HasUsername ? $"{payload.Username}:{payload.Device}" : "a registering companion";

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox handshake failed: {Reason}")]
    private partial void LogHandshakeFailed(string reason);
}
