using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Noise;

/// <summary>
/// An encrypted frame connection after the handshake: plaintext in, encrypted frame out, and back.
/// One sender and one receiver at a time (the session actor's loops); the counters are not shared across threads.
/// </summary>
internal sealed class NoiseConnection : IAsyncDisposable
{
    private readonly IFrameTransport _frames;
    private readonly NoiseTransport _cipher;

    /// <summary>Wraps a frame transport whose handshake produced <paramref name="cipher"/>.</summary>
    public NoiseConnection(IFrameTransport frames, NoiseTransport cipher)
    {
        _frames = frames;
        _cipher = cipher;
    }

    /// <summary>The transport ciphers (counters are observable for diagnostics and tests).</summary>
    public NoiseTransport Cipher => _cipher;

    /// <summary>Encrypts and sends one frame.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken) =>
        _frames.SendFrameAsync(_cipher.Encrypt(plaintext.Span), cancellationToken);

    /// <summary>Receives and decrypts one frame.</summary>
    /// <exception cref="NoiseTransportException">The frame does not decrypt.</exception>
    public async ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        var frame = await _frames.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        return _cipher.Decrypt(frame);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _cipher.Dispose();
        await _frames.DisposeAsync().ConfigureAwait(false);
    }
}
