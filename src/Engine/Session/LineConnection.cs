using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Session;

/// <summary>
/// One open, logged-in-or-registering connection of a line: a reader task that decodes frames (answers to our iqs go
/// straight to the pending table, everything else to the actor), a writer task draining a bounded outbox.
/// Disposing it cancels both, fails every pending iq and closes the socket.
/// </summary>
internal sealed class LineConnection : IAsyncDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1);
    private readonly NoiseConnection _noise;
    private readonly TimeProvider _time;
    private readonly Func<Node, CancellationToken, ValueTask> _onNode;
    private readonly Func<Exception?, CancellationToken, ValueTask> _onClosed;
    private readonly Channel<Node> _outbox = Channel.CreateBounded<Node>(new BoundedChannelOptions(256) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly PendingIqTable _pending = new();
    private readonly string _idPrefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(3));
    private long _nextId;
    private long _lastFrameTicks;
    private long _lastPingAnsweredTicks;
    private long _framesReceived;
    private long _framesSent;
    private string? _pingId;
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private int _disposed;

    public LineConnection(
        NoiseConnection noise,
        int generation,
        TimeProvider time,
        Func<Node, CancellationToken, ValueTask> onNode,
        Func<Exception?, CancellationToken, ValueTask> onClosed)
    {
        _noise = noise;
        Generation = generation;
        _time = time;
        _onNode = onNode;
        _onClosed = onClosed;
        _lastFrameTicks = time.GetUtcNow().UtcTicks;
        Closed = _stop.Token;
    }

    public int Generation { get; }

    /// <summary>Cancelled when the line closes this connection (a wait that belongs to it, as send pacing's, ends with it).</summary>
    public CancellationToken Closed { get; }

    public DateTimeOffset LastFrameReceived => new(Interlocked.Read(ref _lastFrameTicks), TimeSpan.Zero);

    /// <summary>Frames received on this connection (keepalive answers included).</summary>
    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    /// <summary>Frames written to the socket on this connection.</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>When the server last answered a keepalive ping on this connection, if it has.</summary>
    public DateTimeOffset? LastPingAnswered => Interlocked.Read(ref _lastPingAnsweredTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// Queues a keepalive ping without waiting for its answer: the reader records the answer when it comes, and
    /// liveness is judged by <see cref="LastFrameReceived"/>. No pending entry, no timer, no task per ping — an idle
    /// line's only regular work. False when the outbox is full or closed.
    /// </summary>
    public bool TrySendPing()
    {
        var id = NextId();
        Volatile.Write(ref _pingId, id);
        return _outbox.Writer.TryWrite(ConnectionStanzas.BuildPing(id));
    }

    /// <summary>True when nothing arrived from the server for longer than <paramref name="limit"/>.</summary>
    public bool IsSilent(TimeSpan limit) => _time.GetUtcNow() - LastFrameReceived > limit;

    public void Start()
    {
        _reader = Task.Run(ReadLoopAsync);
        _writer = Task.Run(WriteLoopAsync);
    }

    public string NextId() => _idPrefix + "-" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    public ValueTask SendAsync(Node node, CancellationToken cancellationToken) => _outbox.Writer.WriteAsync(node, cancellationToken);

    /// <summary>Sends an iq and waits for the node carrying its id; an <c>error</c> answer throws.</summary>
    public async Task<Node> QueryAsync(Node iq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = iq.Attr("id") ?? throw new ArgumentException("The iq has no id.", nameof(iq));
        var answer = _pending.Register(id);
        try
        {
            await _outbox.Writer.WriteAsync(iq, cancellationToken).ConfigureAwait(false);
            var node = await answer.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            if (node.Attr("type") == "error")
            {
                var error = node.Child("error");
                throw new LineException(LineErrorKind.ServerError,
                    $"The server refused iq {id} ({iq.Attr("xmlns")}): error {error?.Attr("code")} {error?.Attr("text")}.")
                {
                    ServerCode = int.TryParse(error?.Attr("code"), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null,
                };
            }

            return node;
        }
        catch (TimeoutException ex)
        {
            throw new LineException(LineErrorKind.Timeout, $"No answer to iq {id} ({iq.Attr("xmlns")}) within {timeout.TotalSeconds:0.#} s.", ex);
        }
        catch (ChannelClosedException ex)
        {
            throw new LineException(LineErrorKind.Disconnected, $"The connection closed before iq {id} was sent.", ex);
        }
        finally
        {
            _pending.Forget(id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _outbox.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(FlushTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The socket does not take what is left (a dead peer): the cancellation below ends the writer.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The writer already ended on a failed socket; the cancellation below ends the reader.
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _pending.FailAll(new LineException(LineErrorKind.Disconnected, "The connection was closed by the line."));
        try
        {
            await Task.WhenAll(_reader, _writer).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A loop that ended on an error the loops do not know is still ended; closing must not fail because of it,
            // or the line would keep a dead connection and report it as connected.
        }

        await _noise.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        Exception? reason = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await _noise.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                Interlocked.Exchange(ref _lastFrameTicks, _time.GetUtcNow().UtcTicks);
                Interlocked.Increment(ref _framesReceived);
                var node = BinaryDecoder.Decode(frame);
                if (node.Tag == "iq" && node.Attr("type") is "result" or "error")
                {
                    if (node.Attr("id") is { } id && id == Volatile.Read(ref _pingId))
                    {
                        Interlocked.Exchange(ref _lastPingAnsweredTicks, _time.GetUtcNow().UtcTicks);
                        continue;
                    }

                    if (_pending.TryComplete(node))
                    {
                        continue;
                    }
                }

                await _onNode(node, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is TransportClosedException or FrameException or NoiseTransportException or BinaryFormatException
            or WebSocketException or ObjectDisposedException or IOException or OperationCanceledException or ChannelClosedException)
        {
            reason = ex;
        }

        _pending.FailAll(new LineException(LineErrorKind.Disconnected, $"The connection closed: {reason?.Message}", reason!));
        if (!_stop.IsCancellationRequested)
        {
            try
            {
                await _onClosed(reason, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The line closed this connection itself meanwhile; nobody needs the notice.
                return;
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var node in _outbox.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await _noise.SendAsync(BinaryEncoder.Encode(node), _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _framesSent);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is TransportClosedException or NoiseTransportException or WebSocketException or ObjectDisposedException or IOException
            or OperationCanceledException)
        {
            _pending.FailAll(new LineException(LineErrorKind.Disconnected, $"Sending failed: {ex.Message}", ex));
        }
    }
}
