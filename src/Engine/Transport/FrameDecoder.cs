using System.Buffers;

namespace WaEngine.Engine.Transport;

/// <summary>
/// Splits a byte stream into frames whatever its chunking: several frames in one websocket message, a frame
/// spread over many, or a header cut in two. Memory grows only with bytes actually received, never with a
/// length a peer merely announces. Not thread-safe: one reader owns it.
/// </summary>
internal sealed class FrameDecoder : IDisposable
{
    private const int InitialCapacity = 4096;

    private readonly int _maxPayloadLength;
    private bool _expectIntro;
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <summary>Creates a decoder.</summary>
    /// <param name="expectIntro">Server side: the stream starts with the client's intro header, which is checked and skipped.</param>
    /// <param name="maxPayloadLength">Frames announcing more than this are refused (default and ceiling: 16,777,215).</param>
    public FrameDecoder(bool expectIntro = false, int maxPayloadLength = FrameCodec.MaxPayloadLength)
    {
        if (maxPayloadLength is < 0 or > FrameCodec.MaxPayloadLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPayloadLength), maxPayloadLength, $"Must be 0 to {FrameCodec.MaxPayloadLength}.");
        }

        _expectIntro = expectIntro;
        _maxPayloadLength = maxPayloadLength;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    }

    /// <summary>Bytes received but not yet returned as a frame.</summary>
    public int BufferedLength => _end - _start;

    /// <summary>Appends received bytes; call <see cref="TryReadFrame"/> until it returns false.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (chunk.IsEmpty)
        {
            return;
        }

        if (_buffer.Length - _end < chunk.Length)
        {
            MakeRoom(chunk.Length);
        }

        chunk.CopyTo(_buffer.AsSpan(_end));
        _end += chunk.Length;
    }

    /// <summary>Takes the next complete frame payload, if all its bytes have arrived.</summary>
    /// <exception cref="FrameException">A bad intro header or a frame longer than the limit.</exception>
    public bool TryReadFrame(out byte[] payload)
    {
        payload = [];
        var pending = _buffer.AsSpan(_start, _end - _start);
        if (_expectIntro)
        {
            if (!ConnectionHeader.TryMeasureIntro(pending, out var introLength))
            {
                return false;
            }

            _expectIntro = false;
            _start += introLength;
            pending = pending[introLength..];
        }

        if (pending.Length < FrameCodec.HeaderLength)
        {
            return false;
        }

        var length = FrameCodec.ReadHeader(pending);
        if (length > _maxPayloadLength)
        {
            throw new FrameException($"Frame announces {length} bytes, more than the limit of {_maxPayloadLength}.");
        }

        if (pending.Length < FrameCodec.HeaderLength + length)
        {
            return false;
        }

        payload = pending.Slice(FrameCodec.HeaderLength, length).ToArray();
        _start += FrameCodec.HeaderLength + length;
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }

        return true;
    }

    /// <summary>Checks the stream ended on a frame boundary.</summary>
    /// <exception cref="FrameException">Bytes of an unfinished frame (or intro) remain.</exception>
    public void EnsureComplete()
    {
        if (_expectIntro && BufferedLength == 0)
        {
            throw new FrameException("The stream ended before the client's connection header.");
        }

        if (BufferedLength != 0)
        {
            throw new FrameException($"The stream ended inside a frame: {BufferedLength} bytes of it were received.");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void MakeRoom(int needed)
    {
        var used = _end - _start;
        if (_buffer.Length - used >= needed)
        {
            _buffer.AsSpan(_start, used).CopyTo(_buffer);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, used + needed));
            _buffer.AsSpan(_start, used).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        _start = 0;
        _end = used;
    }
}
