using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using WaEngine.Engine;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Transport;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// One client connection to the sandbox: after the Noise handshake, a reader loop that decodes and dispatches
/// stanzas and a writer loop that drains a bounded outbox. Replies the server waits for (pair-success answers)
/// complete a pending entry and are never awaited inside the reader, so the reader never stalls on its own client.
/// </summary>
internal sealed partial class ServerConnection : IAsyncDisposable
{
    private const int OutboxCapacity = 8192;
    private readonly NoiseConnection _noise;
    private readonly Channel<Node> _outbox = Channel.CreateBounded<Node>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Node>> _awaiting = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly ILogger _logger;
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SilenceCheck = TimeSpan.FromMilliseconds(100);

    // Stands in the outbox for the next raw frame, so raw frames keep their place among the stanzas.
    private static readonly Node RawMarker = new("sandbox-raw-frame");
    private readonly ConcurrentQueue<byte[]> _raw = new();
    private Task? _writer;
    private long _nextId;
    private int _closing;
    private bool _caughtUp;

    public ServerConnection(NoiseConnection noise, ILogger logger)
    {
        _noise = noise;
        _logger = logger;
    }

    /// <summary>Whether the device's offline queue has been replayed, so new deliveries can go out live.</summary>
    public bool CaughtUp
    {
        get => Volatile.Read(ref _caughtUp);
        set => Volatile.Write(ref _caughtUp, value);
    }

    /// <summary>The logged-in device, once login succeeded; null on a registration connection.</summary>
    public ConnectedDevice? Device { get; set; }

    /// <summary>What the logged-in device owes acks for (R6); null on a registration connection.</summary>
    public Rules.AckLedger? Acks { get; set; }

    /// <summary>The peer messages sent on this connection, whose receipts must be <c>peer_msg</c> (R14).</summary>
    public Rules.PeerReceiptRule PeerReceipts { get; } = new();

    /// <summary>Whether the device's last own <c>&lt;presence&gt;</c> announced it available (R13).</summary>
    public bool PresenceAvailable { get; set; }

    /// <summary>
    /// True while the server is silent toward this connection's device (a mute with a duration): the writer holds what
    /// is queued (the login's <c>&lt;success&gt;</c> excepted) until the silence ends, as a network that stops carrying
    /// and later resumes; should the connection end first, what the device must ack is replayed at its next login.
    /// Null: never silent.
    /// </summary>
    public Func<bool>? Silenced { get; set; }

    /// <summary>Cancelled when the connection ends, for whatever reason.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>A fresh id for an iq the server sends.</summary>
    public string NextId() => "srv." + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    /// <summary>Queues a stanza for the client; false if the connection is closing or its outbox is full (then it is closed).</summary>
    public bool Send(Node node)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return false;
        }

        // Owed before it is written: the client may ack it before TryWrite even returns.
        Acks?.Sent(node);
        PeerReceipts.Sent(node);
        if (_outbox.Writer.TryWrite(node))
        {
            return true;
        }

        LogOutboxFull(Device?.Jid ?? "registration");
        _ = CloseAsync(null, TimeSpan.Zero);
        return false;
    }

    /// <summary>
    /// Queues <paramref name="plaintext"/> to go out as one encrypted frame exactly as given (no node encoding), in order
    /// with the stanzas: a hostile server's bytes (<see cref="HostileFrames"/>). False if the connection is closing.
    /// </summary>
    public bool SendRaw(byte[] plaintext)
    {
        _raw.Enqueue(plaintext);
        if (Volatile.Read(ref _closing) == 0 && _outbox.Writer.TryWrite(RawMarker))
        {
            return true;
        }

        _raw.TryDequeue(out _);
        return false;
    }

    /// <summary>Sends an iq and waits for the client's answer with the same id.</summary>
    public async Task<Node> QueryAsync(Node iq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = iq.Attr("id") ?? throw new ArgumentException("The iq has no id.", nameof(iq));
        var answer = new TaskCompletionSource<Node>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaiting[id] = answer;
        try
        {
            if (!Send(iq))
            {
                throw new InvalidOperationException("The companion's connection is closed.");
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            return await answer.Task.WaitAsync(timeout, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _awaiting.TryRemove(id, out _);
        }
    }

    /// <summary>Completes a pending <see cref="QueryAsync"/>; false if nobody waits for this id.</summary>
    public bool TryCompleteQuery(Node answer) =>
        answer.Attr("id") is { } id && _awaiting.TryRemove(id, out var waiter) && waiter.TrySetResult(answer);

    /// <summary>Runs the writer and the reader until the connection ends; <paramref name="dispatch"/> handles each stanza.</summary>
    public async Task RunAsync(Func<ServerConnection, Node, ValueTask> dispatch, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        var writer = _writer = WriteLoopAsync(cancellationToken);
        try
        {
            while (!linked.IsCancellationRequested)
            {
                var plaintext = await _noise.ReceiveAsync(linked.Token).ConfigureAwait(false);
                var node = BinaryDecoder.Decode(plaintext);
                await dispatch(this, node).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is BinaryFormatException or NoiseTransportException or FrameException or StanzaException)
        {
            LogMalformed(Device?.Jid ?? "registration", ex.Message);
            await CloseAsync(StreamError("500", "xml-not-well-formed"), TimeSpan.Zero).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportClosedException or OperationCanceledException)
        {
            LogEnded(Device?.Jid ?? "registration", ex.Message);
        }
        finally
        {
            await _closed.CancelAsync().ConfigureAwait(false);
            _outbox.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends <paramref name="final"/> (a stream error) after everything already queued, then lets the client hang up
    /// first (as a real server does: clients act on the stream error before the socket closes), ending the connection
    /// after a short linger at most.
    /// </summary>
    public Task CloseAsync(Node? final) => CloseAsync(final, Linger);

    private async Task CloseAsync(Node? final, TimeSpan linger)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        if (final is not null)
        {
            _outbox.Writer.TryWrite(final);
        }

        _outbox.Writer.TryComplete();
        try
        {
            if (_writer is { } writer)
            {
                await writer.WaitAsync(Linger).ConfigureAwait(false);
            }
            else if (final is not null)
            {
                // Never ran: nothing else encrypts on this connection, so the final stanza can go out directly.
                using var timeout = new CancellationTokenSource(Linger);
                await _noise.SendAsync(BinaryEncoder.Encode(final), timeout.Token).ConfigureAwait(false);
            }

            if (final is not null && linger > TimeSpan.Zero && _writer is not null)
            {
                await Task.Delay(linger, _closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or TransportClosedException or OperationCanceledException or WaEngineException or ObjectDisposedException)
        {
            LogEnded(Device?.Jid ?? "registration", "closing: " + ex.Message);
        }

        await _closed.CancelAsync().ConfigureAwait(false);
    }

    /// <summary><c>&lt;stream:error code&gt;&lt;child/&gt;&lt;/stream:error&gt;</c>.</summary>
    public static Node StreamError(string? code, string? child = null, params (string Key, string Value)[] childAttributes)
    {
        var attributes = code is null ? NodeAttributes.Empty : NodeAttributes.Of(("code", code));
        return child is null
            ? new Node("stream:error", attributes)
            : new Node("stream:error", attributes, [new Node(child, NodeAttributes.Of(childAttributes))]);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(null, TimeSpan.Zero).ConfigureAwait(false);
        await _noise.DisposeAsync().ConfigureAwait(false);

        // _closed is deliberately not disposed: a closer on another task (a pairing that just sent 515) may still be
        // lingering on it, and a token source without timers holds nothing that needs releasing.
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var node in _outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                while (node.Tag != "success" && Silenced?.Invoke() == true)
                {
                    // Ends with the connection too: a silent connection that closes goes without a word.
                    await Task.Delay(SilenceCheck, _closed.Token).ConfigureAwait(false);
                }

                var plaintext = ReferenceEquals(node, RawMarker) && _raw.TryDequeue(out var raw) ? raw : BinaryEncoder.Encode(node);
                await _noise.SendAsync(plaintext, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is TransportClosedException or OperationCanceledException or ObjectDisposedException)
        {
            LogEnded(Device?.Jid ?? "registration", "writer: " + ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox connection {Device}: outbox full, closing (slow client)")]
    private partial void LogOutboxFull(string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox connection {Device}: malformed input, closing with a stream error: {Reason}")]
    private partial void LogMalformed(string device, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sandbox connection {Device} ended: {Reason}")]
    private partial void LogEnded(string device, string reason);
}
