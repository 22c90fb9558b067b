using System.Net.WebSockets;
using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Tests.Transport;

/// <summary>
/// A socket the peer resets. Once the websocket has been aborted (its other direction saw the reset first), .NET reports
/// the failed write or read as an <see cref="OperationCanceledException"/> nobody asked for. Found in a loaded test run:
/// the line took that for its own cancellation, its close failed half-way, and it kept reporting `connected` on a dead
/// socket. The transport must call it what it is: a closed transport.
/// </summary>
public class WebSocketFrameTransportTests
{
    [Fact]
    public async Task A_send_on_a_socket_the_peer_reset_is_a_closed_transport_not_a_cancellation()
    {
        var stream = new ResettingStream();
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        stream.Socket = socket;
        await using var transport = WebSocketFrameTransport.ForClient(socket);
        using var caller = new CancellationTokenSource();

        var error = await Assert.ThrowsAsync<TransportClosedException>(() => transport.SendFrameAsync(new byte[] { 1, 2, 3 }, caller.Token).AsTask());

        Assert.Contains("sending", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, stream.Writes);
    }

    [Fact]
    public async Task A_receive_on_a_socket_the_peer_reset_is_a_closed_transport_not_a_cancellation()
    {
        var stream = new ResettingStream();
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        stream.Socket = socket;
        await using var transport = WebSocketFrameTransport.ForClient(socket);
        using var caller = new CancellationTokenSource();

        var error = await Assert.ThrowsAsync<TransportClosedException>(() => transport.ReceiveFrameAsync(caller.Token).AsTask());

        Assert.Contains("receiving", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, stream.Reads);
    }

    [Fact]
    public async Task The_callers_own_cancellation_stays_a_cancellation()
    {
        var stream = new ResettingStream { BlockReads = true };
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        stream.Socket = socket;
        await using var transport = WebSocketFrameTransport.ForClient(socket);
        using var caller = new CancellationTokenSource();

        var receive = transport.ReceiveFrameAsync(caller.Token).AsTask();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive);
    }

    /// <summary>A connection reset by the peer: the websocket is aborted, then the read or write fails.</summary>
    private sealed class ResettingStream : Stream
    {
        public WebSocket? Socket { get; set; }

        public bool BlockReads { get; init; }

        public int Writes { get; private set; }

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            Socket!.Abort();
            throw new IOException("Unable to write data to the transport connection: Connection reset by peer.");
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            if (BlockReads)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            Socket!.Abort();
            throw new IOException("Unable to read data from the transport connection: Connection reset by peer.");
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
