using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>
/// Group messaging with sender keys, interoperable with Baileys' GroupCipher: our sender key distribution message,
/// SenderKeyMessage encryption signed with the sender's signing key, and decryption of other members' messages.
/// Like <see cref="SessionCipher"/>, every call returns the new state for the caller to commit.
/// </summary>
internal sealed class GroupCipher
{
    private const int SignatureLength = 64;

    private readonly ISignalStore _store;
    private readonly SignalKeyGenerator _keys;

    /// <summary>Creates a group cipher over one line's store.</summary>
    public GroupCipher(ISignalStore store, SignalKeyGenerator? keys = null)
    {
        _store = store;
        _keys = keys ?? new SignalKeyGenerator();
    }

    /// <summary>Our SKDM for <paramref name="ourName"/> (group, our address), creating our sender key on first use.</summary>
    public async Task<SenderKeyDistribution> CreateDistributionMessageAsync(SenderKeyName ourName, CancellationToken cancellationToken)
    {
        var change = new SignalStateChange();
        var record = await _store.SenderKeys.LoadSenderKeyAsync(ourName, cancellationToken).ConfigureAwait(false) ?? new SenderKeyRecord();
        var state = record.Newest;
        if (state is null || state.SigningPrivate.IsEmpty)
        {
            var signing = _keys.GenerateKeyPair();
            state = new StoredSenderKeyState
            {
                KeyId = _keys.NextUInt31(),
                Iteration = 0,
                ChainKey = ByteString.CopyFrom(_keys.RandomBytes(32)),
                SigningPublic = ByteString.CopyFrom(signing.PublicKey),
                SigningPrivate = ByteString.CopyFrom(signing.PrivateKey),
            };
            record = new SenderKeyRecord();
            record.Add(state);
            change.WithSenderKey(ourName, record);
        }

        var body = new SignalSenderKeyDistribution
        {
            Id = state.KeyId,
            Iteration = state.Iteration,
            ChainKey = state.ChainKey,
            SigningKey = ByteString.CopyFrom(SignalKey.Prefix(state.SigningPublic.Span)),
        };
        return new SenderKeyDistribution(Frame(body.ToByteArray()), change);
    }

    /// <summary>Stores another member's sender key from their SKDM; a repeat of a key id we already hold is ignored.</summary>
    /// <exception cref="SignalException">InvalidMessage when the SKDM is malformed.</exception>
    public async Task<SignalStateChange> ProcessDistributionMessageAsync(
        SenderKeyName senderName, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var data = message.Span;
        if (data.Length < 2)
        {
            throw Invalid($"SenderKeyDistributionMessage for {senderName} has length {data.Length} (at least 2 expected).", senderName);
        }

        WhisperMessageCodec.CheckVersion(data[0], "SenderKeyDistributionMessage", senderName.Sender);
        var body = WhisperMessageCodec.Parse(SignalSenderKeyDistribution.Parser, data[1..], "SenderKeyDistributionMessage", senderName.Sender);
        if (!body.HasId || body.ChainKey.Length != 32 || !WhisperMessageCodec.IsSignalKey(body.SigningKey))
        {
            throw Invalid($"SenderKeyDistributionMessage for {senderName} lacks its id, a 32-byte chain key or a 33-byte signing key.", senderName);
        }

        var record = await _store.SenderKeys.LoadSenderKeyAsync(senderName, cancellationToken).ConfigureAwait(false) ?? new SenderKeyRecord();
        var signing = body.SigningKey.Span[1..];
        var existing = record.Find(body.Id);
        if (existing is not null && existing.SigningPublic.Span.SequenceEqual(signing))
        {
            return new SignalStateChange();
        }

        record.Add(new StoredSenderKeyState
        {
            KeyId = body.Id,
            Iteration = body.Iteration,
            ChainKey = body.ChainKey,
            SigningPublic = ByteString.CopyFrom(signing),
        });
        return new SignalStateChange().WithSenderKey(senderName, record);
    }

    /// <summary>Encrypts for the group with our newest sender key: <c>0x33 || protobuf || signature</c>.</summary>
    /// <exception cref="SignalException">NoSession when we have no sender key for the group yet.</exception>
    public async Task<SignalEncryptResult> EncryptAsync(SenderKeyName ourName, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        var record = await _store.SenderKeys.LoadSenderKeyAsync(ourName, cancellationToken).ConfigureAwait(false);
        var state = record?.Newest;
        if (record is null || state is null || state.SigningPrivate.IsEmpty)
        {
            throw new SignalException(SignalErrorKind.NoSession, $"No own sender key for {ourName}: create the distribution message first.", ourName.Sender);
        }

        var (iteration, seed) = SenderKeyChain.TakeNext(state);
        var (key, iv) = SenderKeyChain.Expand(seed);
        var body = new SignalSenderKeyMessage
        {
            Id = state.KeyId,
            Iteration = iteration,
            Ciphertext = ByteString.CopyFrom(AesCbcCipher.Encrypt(key, iv, plaintext.Span)),
        };
        var signed = Frame(body.ToByteArray());
        var signature = _keys.Sign(state.SigningPrivate.Span, signed);
        var result = new byte[signed.Length + SignatureLength];
        signed.CopyTo(result, 0);
        signature.CopyTo(result, signed.Length);
        return new SignalEncryptResult(SignalMessageType.SenderKey, result, new SignalStateChange().WithSenderKey(ourName, record));
    }

    /// <summary>Decrypts a group message from the sender named by <paramref name="senderName"/>.</summary>
    /// <exception cref="SignalException">NoSession (unknown key id), InvalidSignature, Duplicate, TooManySkipped or InvalidMessage.</exception>
    public async Task<SignalDecryptResult> DecryptAsync(SenderKeyName senderName, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken)
    {
        var data = ciphertext.Span;
        if (data.Length < 2 + SignatureLength)
        {
            throw Invalid($"SenderKeyMessage from {senderName} has length {data.Length} (at least {2 + SignatureLength} expected).", senderName);
        }

        WhisperMessageCodec.CheckVersion(data[0], "SenderKeyMessage", senderName.Sender);
        var body = WhisperMessageCodec.Parse(SignalSenderKeyMessage.Parser, data[1..^SignatureLength], "SenderKeyMessage", senderName.Sender);
        if (!body.HasId || !body.HasIteration || !body.HasCiphertext)
        {
            throw Invalid($"SenderKeyMessage from {senderName} lacks its key id, iteration or ciphertext.", senderName);
        }

        var record = await _store.SenderKeys.LoadSenderKeyAsync(senderName, cancellationToken).ConfigureAwait(false);
        var state = record?.Find(body.Id);
        if (record is null || state is null)
        {
            throw new SignalException(
                SignalErrorKind.NoSession, $"No sender key {body.Id} for {senderName}: its distribution message has not arrived.", senderName.Sender);
        }

        var signed = ciphertext.Span;
        if (!Curve25519.Verify(state.SigningPublic.Span, signed[..^SignatureLength], signed[^SignatureLength..]))
        {
            throw new SignalException(
                SignalErrorKind.InvalidSignature,
                $"The signature of group message {body.Iteration} (sender key {body.Id}) from {senderName} does not verify.",
                senderName.Sender);
        }

        var (key, iv) = SenderKeyChain.Expand(SenderKeyChain.TakeFor(state, body.Iteration, senderName));
        byte[] plaintext;
        try
        {
            plaintext = AesCbcCipher.Decrypt(key, iv, body.Ciphertext.Span);
        }
        catch (CryptoException ex)
        {
            throw new SignalException(
                SignalErrorKind.InvalidMessage, $"Group message {body.Iteration} from {senderName} does not decrypt: {ex.Message}", ex, senderName.Sender);
        }

        return new SignalDecryptResult(plaintext, new SignalStateChange().WithSenderKey(senderName, record));
    }

    private static byte[] Frame(byte[] body)
    {
        var framed = new byte[body.Length + 1];
        framed[0] = SignalLimits.VersionByte;
        body.CopyTo(framed, 1);
        return framed;
    }

    private static SignalException Invalid(string message, SenderKeyName name) => new(SignalErrorKind.InvalidMessage, message, name.Sender);
}
