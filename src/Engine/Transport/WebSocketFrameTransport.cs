using System.Buffers;
using System.Net.WebSockets;

namespace WaEngine.Engine.Transport;

/// <summary>
/// Frames over a websocket, for either role. Each send is one binary websocket message holding one length-prefixed
/// frame (a client's first one behind the intro header). Received messages are re-split with a
/// <see cref="FrameDecoder"/>, since one message may carry several frames or part of one; text messages are ignored.
/// </summary>
internal sealed class WebSocketFrameTransport : IFrameTransport
{
    private const int ReceiveChunk = 16 * 1024;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly FrameDecoder _decoder;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private byte[] _intro;

    private WebSocketFrameTransport(WebSocket socket, byte[] intro, bool expectIntro)
    {
        _socket = socket;
        _intro = intro;
        _decoder = new FrameDecoder(expectIntro);
    }

    /// <summary>The client end: sends <paramref name="intro"/> (the WA header, or the routing-info form) before its first frame.</summary>
    public static WebSocketFrameTransport ForClient(WebSocket socket, byte[]? intro = null) =>
        new(socket, intro ?? ConnectionHeader.BuildIntro(), expectIntro: false);

    /// <summary>The server end: checks and strips the client's intro before its first frame.</summary>
    public static WebSocketFrameTransport ForServer(WebSocket socket) => new(socket, [], expectIntro: true);

    /// <inheritdoc />
    public async ValueTask SendFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var message = FrameCodec.Encode(payload.Span, _intro);
            _intro = [];
            await _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSocketGone(ex, cancellationToken))
        {
            throw new TransportClosedException($"The websocket failed while sending: {ex.Message}");
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_decoder.TryReadFrame(out var frame))
            {
                return frame;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(ReceiveChunk);
            try
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsSocketGone(ex, cancellationToken))
                {
                    throw new TransportClosedException($"The websocket failed while receiving: {ex.Message}");
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _decoder.EnsureComplete();
                    throw new TransportClosedException($"The peer closed the websocket ({_socket.CloseStatus?.ToString() ?? "no status"}).");
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    _decoder.Append(buffer.AsSpan(0, result.Count));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="error"/> means the socket is gone rather than that the caller cancelled. A websocket the
    /// other direction already aborted reports a reset as an <see cref="OperationCanceledException"/> that nobody asked
    /// for; callers must see that as a closed transport, or they take it for their own cancellation.
    /// </summary>
    private static bool IsSocketGone(Exception error, CancellationToken cancellationToken) => error switch
    {
        WebSocketException or IOException or ObjectDisposedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                _socket.Abort();
            }
        }

        _socket.Dispose();
        _decoder.Dispose();
        _sendGate.Dispose();
    }
}
