using WaEngine.Engine.Transport;
using WaEngine.Engine.Storage;
using System.Threading.Channels;

namespace WaEngine.TestKit;

/// <summary>
/// One end of an in-memory connection that behaves like the websocket: outgoing frames are length-prefixed
/// (the client's first one behind the intro header), and the receiver re-splits the raw bytes with a
/// <see cref="FrameDecoder"/>. With a seed, each outgoing message is cut into random pieces, so tests exercise
/// arbitrary chunking; a receiver drains every piece already queued, so several frames can arrive at once.
/// </summary>
public sealed class InMemoryFrameTransport : IFrameTransport
{
    private readonly ChannelWriter<byte[]> _outgoing;
    private readonly ChannelReader<byte[]> _incoming;
    private readonly FrameDecoder _decoder;
    private readonly Random? _splitter;
    private byte[] _intro;

    private InMemoryFrameTransport(ChannelWriter<byte[]> outgoing, ChannelReader<byte[]> incoming, byte[] intro, bool expectIntro, Random? splitter)
    {
        _outgoing = outgoing;
        _incoming = incoming;
        _intro = intro;
        _decoder = new FrameDecoder(expectIntro);
        _splitter = splitter;
    }

    /// <summary>Creates a connected client/server pair; the client sends <paramref name="intro"/> (default: the WA header) first.</summary>
    public static (InMemoryFrameTransport Client, InMemoryFrameTransport Server) CreatePair(int? splitSeed = null, byte[]? intro = null)
    {
        var toServer = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var toClient = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var clientSplitter = splitSeed is { } seed ? new Random(seed) : null;
        var serverSplitter = splitSeed is { } seed2 ? new Random(seed2 + 1) : null;
        var client = new InMemoryFrameTransport(toServer.Writer, toClient.Reader, intro ?? ConnectionHeader.BuildIntro(), expectIntro: false, clientSplitter);
        var server = new InMemoryFrameTransport(toClient.Writer, toServer.Reader, [], expectIntro: true, serverSplitter);
        return (client, server);
    }

    /// <inheritdoc />
    public async ValueTask SendFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = FrameCodec.Encode(payload.Span, _intro);
        _intro = [];
        if (_splitter is null || message.Length < 2)
        {
            await WriteAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        var offset = 0;
        var pieces = _splitter.Next(1, 5);
        for (var i = 0; i < pieces && offset < message.Length; i++)
        {
            var length = i == pieces - 1 ? message.Length - offset : _splitter.Next(1, message.Length - offset + 1);
            await WriteAsync(message.AsSpan(offset, length).ToArray(), cancellationToken).ConfigureAwait(false);
            offset += length;
        }

        if (offset < message.Length)
        {
            await WriteAsync(message.AsSpan(offset).ToArray(), cancellationToken).ConfigureAwait(false);
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

            if (!await _incoming.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _decoder.EnsureComplete();
                throw new TransportClosedException("The in-memory peer closed the connection.");
            }

            while (_incoming.TryRead(out var chunk))
            {
                _decoder.Append(chunk);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _outgoing.TryComplete();
        _decoder.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask WriteAsync(byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            await _outgoing.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new TransportClosedException($"The in-memory connection is closed: {ex.Message}");
        }
    }
}
