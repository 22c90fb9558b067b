using System.Security.Cryptography;

namespace WaEngine.Engine.Media;

/// <summary>
/// A write-only stream that encrypts what is written to it the way WhatsApp media is encrypted and writes the blob to
/// <c>destination</c> as it goes: AES-256-CBC with PKCS#7 padding, then the first 10 bytes of HMAC-SHA256 over
/// IV ‖ ciphertext. The plaintext and blob hashes are computed on the way, so a file of any size passes through a
/// few kilobytes of buffer. <see cref="FinishAsync"/> writes the last block and the MAC and returns the hashes.
/// The first bytes written are kept in <see cref="Head"/> (to check a file's magic number without reading it twice).
/// </summary>
public sealed class MediaEncryptingStream : Stream
{
    /// <summary>How many leading plaintext bytes <see cref="Head"/> keeps unless told otherwise.</summary>
    public const int DefaultHeadLength = 64;

    /// <summary>Length of the MAC appended to the ciphertext.</summary>
    public const int MacLength = 10;

    private const int BlockLength = 16;
    private readonly Stream _destination;
    private readonly byte[] _mediaKey;
    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;
    private readonly IncrementalHash _plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _mac;
    private readonly byte[] _pending = new byte[BlockLength];
    private readonly byte[] _head;
    private byte[] _output = new byte[16 * 1024];
    private int _pendingLength;
    private int _headLength;
    private long _fileLength;
    private long _blobLength;
    private bool _finished;

    /// <summary>
    /// Encrypts for <paramref name="kind"/> into <paramref name="destination"/> with <paramref name="mediaKey"/> (a random
    /// one when null), keeping the first <paramref name="headLength"/> plaintext bytes in <see cref="Head"/>.
    /// </summary>
    public MediaEncryptingStream(Stream destination, MediaKind kind, byte[]? mediaKey = null, int headLength = DefaultHeadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headLength);
        _head = new byte[headLength];
        _destination = destination ?? throw new ArgumentNullException(nameof(destination));
        _mediaKey = mediaKey ?? RandomNumberGenerator.GetBytes(MediaKeys.MediaKeyLength);
        var keys = MediaKeys.Expand(_mediaKey, kind);
        _aes = Aes.Create();
        _aes.Key = keys.CipherKey;
        _aes.IV = keys.Iv;
        _aes.Mode = CipherMode.CBC;
        _aes.Padding = PaddingMode.None;
        _encryptor = _aes.CreateEncryptor();
        _mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey);
        _mac.AppendData(keys.Iv);
    }

    /// <summary>Plaintext bytes written so far.</summary>
    public long FileLength => _fileLength;

    /// <summary>The first plaintext bytes written (up to the head length given at construction).</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => !_finished;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => _fileLength; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var length = Encrypt(buffer);
        if (length > 0)
        {
            _destination.Write(_output, 0, length);
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var length = Encrypt(buffer.Span);
        if (length > 0)
        {
            await _destination.WriteAsync(_output.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Pads and encrypts the last block, appends the MAC and flushes; returns the key, hashes and lengths.</summary>
    public async Task<EncryptedMedia> FinishAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        var padding = BlockLength - _pendingLength;
        _pending.AsSpan(_pendingLength).Fill((byte)padding);
        var last = new byte[BlockLength + MacLength];
        _encryptor.TransformBlock(_pending, 0, BlockLength, last, 0);
        _mac.AppendData(last, 0, BlockLength);
        _mac.GetHashAndReset().AsSpan(0, MacLength).CopyTo(last.AsSpan(BlockLength));
        _blobHash.AppendData(last);
        _blobLength += last.Length;
        await _destination.WriteAsync(last, cancellationToken).ConfigureAwait(false);
        await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new EncryptedMedia(_mediaKey, _plainHash.GetHashAndReset(), _blobHash.GetHashAndReset(), _fileLength, _blobLength);
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _encryptor.Dispose();
            _aes.Dispose();
            _plainHash.Dispose();
            _blobHash.Dispose();
            _mac.Dispose();
        }

        base.Dispose(disposing);
    }

    // Encrypts whole blocks of pending + input into _output; keeps the tail (at most 15 bytes) pending.
    private int Encrypt(ReadOnlySpan<byte> input)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (input.IsEmpty)
        {
            return 0;
        }

        if (_headLength < _head.Length)
        {
            var take = Math.Min(_head.Length - _headLength, input.Length);
            input[..take].CopyTo(_head.AsSpan(_headLength));
            _headLength += take;
        }

        _plainHash.AppendData(input);
        _fileLength += input.Length;
        var total = _pendingLength + input.Length;
        var whole = total - (total % BlockLength);
        if (whole == 0)
        {
            input.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength = total;
            return 0;
        }

        if (_output.Length < whole)
        {
            _output = new byte[whole];
        }

        var plain = System.Buffers.ArrayPool<byte>.Shared.Rent(whole);
        try
        {
            _pending.AsSpan(0, _pendingLength).CopyTo(plain);
            var fromInput = whole - _pendingLength;
            input[..fromInput].CopyTo(plain.AsSpan(_pendingLength));
            input[fromInput..].CopyTo(_pending);
            _pendingLength = input.Length - fromInput;
            _encryptor.TransformBlock(plain, 0, whole, _output, 0);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(plain);
        }

        _mac.AppendData(_output, 0, whole);
        _blobHash.AppendData(_output, 0, whole);
        _blobLength += whole;
        return whole;
    }
}
