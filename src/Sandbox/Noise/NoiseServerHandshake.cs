using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Transport;
using WaEngine.Proto;

namespace WaEngine.Sandbox.Noise;

/// <summary>
/// The server (responder) side of the handshake, the sandbox's role: reads ClientHello, answers ServerHello with
/// its encrypted static key and encrypted certificate chain, reads ClientFinish. Call in order
/// <see cref="ReadClientHello"/>, <see cref="CreateServerHello"/>, <see cref="ReadClientFinish"/>, <see cref="Split"/>,
/// or let <see cref="RunAsync"/> do all four over a frame transport. It shares the engine's symmetric state
/// (<see cref="NoiseHandshakeState"/>), so the two roles cannot drift apart.
/// </summary>
internal sealed class NoiseServerHandshake
{
    private readonly KeyPair _static;
    private readonly KeyPair _ephemeral;
    private readonly byte[] _certificateChain;
    private readonly NoiseHandshakeState _state;
    private byte[]? _clientEphemeral;
    private Step _step = Step.Hello;

    /// <summary>Creates the handshake.</summary>
    /// <param name="staticKey">The server's static key, certified by the chain's leaf.</param>
    /// <param name="certificateChain">A serialized CertChain (see <see cref="NoiseCertificateAuthority.IssueChain"/>).</param>
    /// <param name="ephemeralKey">The per-connection key; null (default) generates a fresh one.</param>
    public NoiseServerHandshake(KeyPair staticKey, byte[] certificateChain, KeyPair? ephemeralKey = null)
    {
        _static = staticKey;
        _certificateChain = certificateChain;
        _ephemeral = ephemeralKey ?? Curve25519.GenerateKeyPair();
        _state = new NoiseHandshakeState(ConnectionHeader.WhatsApp);
    }

    private enum Step
    {
        Hello,
        ServerHello,
        Finish,
        Split,
        Done,
    }

    /// <summary>Runs the whole handshake over <paramref name="frames"/>: reads ClientHello, answers ServerHello, reads ClientFinish.</summary>
    /// <returns>The encrypted connection and what the client sent (static key, ClientPayload bytes).</returns>
    /// <exception cref="NoiseHandshakeException">The client's messages are invalid.</exception>
    public async Task<(NoiseConnection Connection, NoiseClientFinish Finish)> RunAsync(IFrameTransport frames, CancellationToken cancellationToken)
    {
        var clientHello = await frames.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        ReadClientHello(clientHello);
        await frames.SendFrameAsync(CreateServerHello(), cancellationToken).ConfigureAwait(false);
        var clientFinish = await frames.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        var finish = ReadClientFinish(clientFinish);
        return (new NoiseConnection(frames, Split()), finish);
    }

    /// <summary>Reads ClientHello{ephemeral} (the intro header and frame length already stripped).</summary>
    /// <exception cref="NoiseHandshakeException">Malformed message or a missing/short ephemeral key.</exception>
    public void ReadClientHello(ReadOnlySpan<byte> message)
    {
        Advance(Step.Hello, Step.ServerHello, nameof(ReadClientHello));
        var hello = NoiseMessages.Parse(message, "ClientHello").ClientHello
            ?? throw new NoiseHandshakeException("The client's first handshake message has no clientHello.");
        _clientEphemeral = NoiseMessages.RequireLength(hello.Ephemeral, hello.HasEphemeral, Curve25519.KeyLength, "clientHello.ephemeral");
        _state.MixHash(_clientEphemeral);
    }

    /// <summary>Builds ServerHello{ephemeral, enc(static), enc(certificate chain)}.</summary>
    public byte[] CreateServerHello()
    {
        Advance(Step.ServerHello, Step.Finish, nameof(CreateServerHello));
        _state.MixHash(_ephemeral.PublicKey);
        _state.MixSharedSecret(_ephemeral.PrivateKey, _clientEphemeral!, "client ephemeral key");
        var encryptedStatic = _state.EncryptAndHash(_static.PublicKey);
        _state.MixSharedSecret(_static.PrivateKey, _clientEphemeral!, "client ephemeral key");
        var encryptedChain = _state.EncryptAndHash(_certificateChain);
        return new HandshakeMessage
        {
            ServerHello = new HandshakeMessage.Types.ServerHello
            {
                Ephemeral = ByteString.CopyFrom(_ephemeral.PublicKey),
                Static = ByteString.CopyFrom(encryptedStatic),
                Payload = ByteString.CopyFrom(encryptedChain),
            },
        }.ToByteArray();
    }

    /// <summary>Reads ClientFinish: decrypts the client's static key and its ClientPayload bytes.</summary>
    /// <exception cref="NoiseHandshakeException">Malformed message or failed decryption.</exception>
    public NoiseClientFinish ReadClientFinish(ReadOnlySpan<byte> message)
    {
        Advance(Step.Finish, Step.Split, nameof(ReadClientFinish));
        var finish = NoiseMessages.Parse(message, "ClientFinish").ClientFinish
            ?? throw new NoiseHandshakeException("The client's second handshake message has no clientFinish.");
        var encryptedStatic = NoiseMessages.RequireLength(finish.Static, finish.HasStatic, NoiseMessages.EncryptedKeyLength, "clientFinish.static");
        var encryptedPayload = NoiseMessages.RequirePresent(finish.Payload, finish.HasPayload, "clientFinish.payload");
        var clientStatic = _state.DecryptAndHash(encryptedStatic, "client static key");
        _state.MixSharedSecret(_ephemeral.PrivateKey, clientStatic, "client static key");
        var payload = _state.DecryptAndHash(encryptedPayload, "client payload");
        return new NoiseClientFinish(clientStatic, payload);
    }

    /// <summary>Derives the transport ciphers (server sends with the client's receive key).</summary>
    public NoiseTransport Split()
    {
        Advance(Step.Split, Step.Done, nameof(Split));
        return _state.Split(initiator: false);
    }

    private void Advance(Step expected, Step next, string operation)
    {
        if (_step != expected)
        {
            throw new NoiseHandshakeException($"{operation} called out of order: the server handshake is at step {_step}, expected {expected}.");
        }

        _step = next;
    }
}
