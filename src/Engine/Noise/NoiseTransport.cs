using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WaEngine.Engine.Noise;

/// <summary>
/// The two AES-256-GCM ciphers that follow a Noise handshake: one key and 32-bit counter for sending, one for
/// receiving. Nonce = 8 zero bytes + big-endian counter; no associated data. A counter advances for every
/// frame it is used on, including one that fails to decrypt. Owned by one session loop: not thread-safe.
/// </summary>
internal sealed class NoiseTransport : IDisposable
{
    /// <summary>Length of the authentication tag appended to every frame.</summary>
    public const int TagLength = 16;

    private const int NonceLength = 12;

    private readonly AesGcm _sender;
    private readonly AesGcm _receiver;
    private uint _sendCounter;
    private uint _receiveCounter;
    private bool _sendExhausted;
    private bool _receiveExhausted;

    internal NoiseTransport(ReadOnlySpan<byte> sendKey, ReadOnlySpan<byte> receiveKey)
    {
        _sender = new AesGcm(sendKey, TagLength);
        _receiver = new AesGcm(receiveKey, TagLength);
    }

    /// <summary>How many frames were encrypted so far (the next send nonce).</summary>
    public long SendCount => _sendExhausted ? 1L << 32 : _sendCounter;

    /// <summary>How many frames were decrypted (or attempted) so far (the next receive nonce).</summary>
    public long ReceiveCount => _receiveExhausted ? 1L << 32 : _receiveCounter;

    /// <summary>Encrypts one frame payload; the result is ciphertext || 16-byte tag.</summary>
    /// <exception cref="NoiseTransportException">2^32 frames were already sent with this key.</exception>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagLength];
        Encrypt(plaintext, output);
        return output;
    }

    /// <summary>Encrypts into <paramref name="destination"/>, which must hold plaintext length + 16 bytes.</summary>
    public void Encrypt(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (destination.Length != plaintext.Length + TagLength)
        {
            throw new ArgumentException($"Destination has {destination.Length} bytes, expected {plaintext.Length + TagLength}.", nameof(destination));
        }

        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, NextCounter(ref _sendCounter, ref _sendExhausted, "send"));
        _sender.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination[plaintext.Length..]);
    }

    /// <summary>Decrypts one received frame (ciphertext || tag).</summary>
    /// <exception cref="NoiseTransportException">The tag does not match, the frame is shorter than a tag, or the counter is exhausted.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < TagLength)
        {
            throw new NoiseTransportException($"Frame {_receiveCounter} has {frame.Length} bytes, fewer than its {TagLength}-byte tag.");
        }

        var plaintext = new byte[frame.Length - TagLength];
        Decrypt(frame, plaintext);
        return plaintext;
    }

    /// <summary>Decrypts into <paramref name="destination"/>, which must hold frame length − 16 bytes.</summary>
    public void Decrypt(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        if (frame.Length < TagLength || destination.Length != frame.Length - TagLength)
        {
            throw new NoiseTransportException($"Frame {_receiveCounter} has {frame.Length} bytes for a {destination.Length}-byte plaintext (expected frame length − {TagLength}).");
        }

        Span<byte> nonce = stackalloc byte[NonceLength];
        var counter = NextCounter(ref _receiveCounter, ref _receiveExhausted, "receive");
        WriteNonce(nonce, counter);
        var cipherLength = frame.Length - TagLength;
        try
        {
            _receiver.Decrypt(nonce, frame[..cipherLength], frame[cipherLength..], destination);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new NoiseTransportException($"Frame {counter} ({frame.Length} bytes) failed AES-GCM authentication: altered, out of order, or the wrong key.", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    private static uint NextCounter(ref uint counter, ref bool exhausted, string direction)
    {
        if (exhausted)
        {
            throw new NoiseTransportException($"The {direction} nonce counter is exhausted after 2^32 frames; the connection must be renewed.");
        }

        var current = counter;
        if (current == uint.MaxValue)
        {
            exhausted = true;
        }
        else
        {
            counter = current + 1;
        }

        return current;
    }

    private static void WriteNonce(Span<byte> nonce, uint counter)
    {
        nonce[..8].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], counter);
    }
}
