using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Transport;
using WaEngine.Proto;

namespace WaEngine.Engine.Noise;

/// <summary>
/// The client (initiator) side of WhatsApp's Noise XX handshake as a pure state machine: bytes in, bytes out.
/// Call in order <see cref="CreateClientHello"/>, <see cref="ReadServerHello"/>, <see cref="CreateClientFinish"/>,
/// <see cref="Split"/>. Messages are serialized HandshakeMessage protobufs without frame header or intro.
/// </summary>
internal sealed class NoiseClientHandshake
{
    private readonly KeyPair _static;
    private readonly KeyPair _ephemeral;
    private readonly NoiseCertificateVerifier _verifier;
    private readonly NoiseHandshakeState _state;
    private byte[]? _serverEphemeral;
    private Step _step = Step.Hello;

    /// <summary>Creates the handshake.</summary>
    /// <param name="staticKey">The long-term noise key (kept across connections).</param>
    /// <param name="verifier">Checks the server's certificate chain (trusted root, clock).</param>
    /// <param name="ephemeralKey">The per-connection key; null (default) generates a fresh one.</param>
    public NoiseClientHandshake(KeyPair staticKey, NoiseCertificateVerifier verifier, KeyPair? ephemeralKey = null)
    {
        _static = staticKey;
        _verifier = verifier;
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

    /// <summary>The server's static key, known once <see cref="ReadServerHello"/> succeeded.</summary>
    public byte[]? ServerStaticKey { get; private set; }

    /// <summary>Builds ClientHello{ephemeral}.</summary>
    public byte[] CreateClientHello()
    {
        Advance(Step.Hello, Step.ServerHello, nameof(CreateClientHello));
        _state.MixHash(_ephemeral.PublicKey);
        return new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello { Ephemeral = ByteString.CopyFrom(_ephemeral.PublicKey) },
        }.ToByteArray();
    }

    /// <summary>Reads ServerHello: mixes its keys, decrypts the server static key and verifies its certificate chain.</summary>
    /// <exception cref="NoiseHandshakeException">Malformed message, failed decryption or a chain that does not verify.</exception>
    public void ReadServerHello(ReadOnlySpan<byte> message)
    {
        Advance(Step.ServerHello, Step.Finish, nameof(ReadServerHello));
        var hello = NoiseMessages.Parse(message, "ServerHello").ServerHello
            ?? throw new NoiseHandshakeException("The server's handshake message has no serverHello.");
        var ephemeral = NoiseMessages.RequireLength(hello.Ephemeral, hello.HasEphemeral, Curve25519.KeyLength, "serverHello.ephemeral");
        var encryptedStatic = NoiseMessages.RequireLength(hello.Static, hello.HasStatic, NoiseMessages.EncryptedKeyLength, "serverHello.static");
        var encryptedPayload = NoiseMessages.RequirePresent(hello.Payload, hello.HasPayload, "serverHello.payload");

        _state.MixHash(ephemeral);
        _state.MixSharedSecret(_ephemeral.PrivateKey, ephemeral, "server ephemeral key");
        var serverStatic = _state.DecryptAndHash(encryptedStatic, "server static key");
        _state.MixSharedSecret(_ephemeral.PrivateKey, serverStatic, "server static key");
        var chain = _state.DecryptAndHash(encryptedPayload, "server certificate payload");
        _verifier.Verify(chain, serverStatic);
        _serverEphemeral = ephemeral;
        ServerStaticKey = serverStatic;
    }

    /// <summary>Builds ClientFinish{enc(static), enc(payload)}; <paramref name="clientPayload"/> is a serialized ClientPayload.</summary>
    public byte[] CreateClientFinish(ReadOnlySpan<byte> clientPayload)
    {
        Advance(Step.Finish, Step.Split, nameof(CreateClientFinish));
        var encryptedStatic = _state.EncryptAndHash(_static.PublicKey);
        _state.MixSharedSecret(_static.PrivateKey, _serverEphemeral!, "server ephemeral key");
        var encryptedPayload = _state.EncryptAndHash(clientPayload);
        return new HandshakeMessage
        {
            ClientFinish = new HandshakeMessage.Types.ClientFinish
            {
                Static = ByteString.CopyFrom(encryptedStatic),
                Payload = ByteString.CopyFrom(encryptedPayload),
            },
        }.ToByteArray();
    }

    /// <summary>Derives the transport ciphers; the handshake object is spent afterwards.</summary>
    public NoiseTransport Split()
    {
        Advance(Step.Split, Step.Done, nameof(Split));
        return _state.Split(initiator: true);
    }

    private void Advance(Step expected, Step next, string operation)
    {
        if (_step != expected)
        {
            throw new NoiseHandshakeException($"{operation} called out of order: the client handshake is at step {_step}, expected {expected}.");
        }

        _step = next;
    }
}
