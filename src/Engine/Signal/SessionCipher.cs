using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>
/// Pairwise Signal sessions interoperable with libsignal: X3DH from a prekey bundle, pkmsg/msg encryption and the
/// double ratchet. Every call reads state from the store and returns the new state as a <see cref="SignalStateChange"/>
/// instead of writing it, so the caller commits ratchet state and message handoff in one transaction.
/// Calls for one line must not overlap (the line's actor serializes them), and a change must be committed before
/// the next call for the same address.
/// </summary>
internal sealed class SessionCipher
{
    private readonly ISignalStore _store;
    private readonly SignalKeyGenerator _keys;

    /// <summary>Creates a cipher over one line's store; <paramref name="keys"/> supplies ratchet keys (OS randomness when null).</summary>
    public SessionCipher(ISignalStore store, SignalKeyGenerator? keys = null)
    {
        _store = store;
        _keys = keys ?? new SignalKeyGenerator();
    }

    /// <summary>Starts a session from a peer's prekey bundle (verifying its signed prekey); the next encrypt yields a pkmsg.</summary>
    /// <exception cref="SignalException">UntrustedIdentity, InvalidSignature or InvalidMessage (malformed bundle).</exception>
    public async Task<SignalStateChange> ProcessPreKeyBundleAsync(SignalAddress address, PreKeyBundle bundle, CancellationToken cancellationToken)
    {
        CheckBundle(address, bundle);
        var change = new SignalStateChange();
        await CheckTrustAsync(address, bundle.IdentityKey, change, cancellationToken).ConfigureAwait(false);
        if (!Curve25519.Verify(bundle.IdentityKey, SignalKey.Prefix(bundle.SignedPreKey), bundle.SignedPreKeySignature))
        {
            throw new SignalException(
                SignalErrorKind.InvalidSignature,
                $"The signature of signed prekey {bundle.SignedPreKeyId} in the bundle of {address} does not verify.",
                address);
        }

        var ours = await LocalIdentityAsync(cancellationToken).ConfigureAwait(false);
        var record = await _store.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) ?? new SessionRecord();
        var state = Guard(address, () => SessionBuilder.InitializeAsInitiator(ours, _keys.GenerateKeyPair(), _keys.GenerateKeyPair(), bundle));
        record.Promote(state);
        return change.WithSession(address, record);
    }

    /// <summary>Encrypts on the current session: a pkmsg until the peer has replied, then msg.</summary>
    /// <exception cref="SignalException">NoSession, or UntrustedIdentity when the trusted identity changed since the session began.</exception>
    public async Task<SignalEncryptResult> EncryptAsync(SignalAddress address, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        var record = await _store.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false);
        var stored = record?.Stored.Current;
        if (record is null || stored is null)
        {
            throw new SignalException(SignalErrorKind.NoSession, $"No session with {address} to encrypt with.", address);
        }

        var state = new SessionState(stored);
        if (!state.HasSenderChain)
        {
            throw new SignalException(SignalErrorKind.NoSession, $"The session with {address} has no sending chain yet.", address);
        }

        var change = new SignalStateChange();
        await CheckTrustAsync(address, SignalKey.StripPrefix(stored.RemoteIdentityKey.Span), change, cancellationToken).ConfigureAwait(false);
        var ours = await LocalIdentityAsync(cancellationToken).ConfigureAwait(false);
        var keys = MessageKeys.FromSeed(state.NextSendingSeed(out var counter));
        var message = new SignalWhisperMessage
        {
            EphemeralKey = stored.SenderRatchetPublic,
            Counter = counter,
            PreviousCounter = stored.PreviousCounter,
            Ciphertext = ByteString.CopyFrom(AesCbcCipher.Encrypt(keys.CipherKey, keys.Iv, plaintext.Span)),
        };
        var whisper = WhisperMessageCodec.EncodeWhisper(message, keys.MacKey, ours.KeyPair.SignalPublicKey, stored.RemoteIdentityKey.Span);
        change.WithSession(address, record);
        var pending = stored.PendingPreKey;
        if (pending is null)
        {
            return new SignalEncryptResult(SignalMessageType.Whisper, whisper, change);
        }

        var preKeyMessage = new SignalPreKeyWhisperMessage
        {
            BaseKey = pending.BaseKey,
            IdentityKey = ByteString.CopyFrom(ours.KeyPair.SignalPublicKey),
            Message = ByteString.CopyFrom(whisper),
            RegistrationId = ours.RegistrationId,
            SignedPreKeyId = pending.SignedPreKeyId,
        };
        if (pending.HasPreKeyId)
        {
            preKeyMessage.PreKeyId = pending.PreKeyId;
        }

        return new SignalEncryptResult(SignalMessageType.PreKey, WhisperMessageCodec.EncodePreKey(preKeyMessage), change);
    }

    /// <summary>Decrypts a pkmsg or msg from <paramref name="address"/>.</summary>
    /// <exception cref="SignalException">Any <see cref="SignalErrorKind"/> but InvalidSignature; the store is untouched.</exception>
    public Task<SignalDecryptResult> DecryptAsync(
        SignalAddress address, SignalMessageType type, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken) =>
        type switch
        {
            SignalMessageType.PreKey => DecryptPreKeyAsync(address, ciphertext, cancellationToken),
            SignalMessageType.Whisper => DecryptWhisperAsync(address, ciphertext, cancellationToken),
            _ => throw new SignalException(SignalErrorKind.InvalidMessage, $"A {type} message from {address} is not a pairwise message.", address),
        };

    private async Task<SignalDecryptResult> DecryptWhisperAsync(SignalAddress address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var message = WhisperMessageCodec.ParseWhisper(data.Span, address);
        var record = await _store.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false);
        if (record is null || record.StateCount == 0)
        {
            throw new SignalException(SignalErrorKind.NoSession, $"No session with {address} to decrypt message {message.Counter}.", address);
        }

        var ours = await LocalIdentityAsync(cancellationToken).ConfigureAwait(false);
        SignalException? worst = null;
        for (var i = 0; i < record.StateCount; i++)
        {
            var attempt = new SessionState(record.StateAt(i).Clone());
            try
            {
                var plaintext = DecryptWithState(attempt, message, data.Span, address, ours);
                var change = new SignalStateChange();
                await CheckTrustAsync(address, SignalKey.StripPrefix(attempt.Stored.RemoteIdentityKey.Span), change, cancellationToken)
                    .ConfigureAwait(false);
                // A previous state that decrypts is the session the peer writes with: it becomes current, so our answers
                // go out on it too (libsignal-java/-rust promote it the same way). Answering on another one makes a peer
                // on libsignal-node (Baileys) try that one first and step its ratchet in its own session before the MAC
                // fails — a step it keeps, after which its messages no longer decrypt here.
                record.PromoteStateAt(i, attempt.Stored);
                return new SignalDecryptResult(plaintext, change.WithSession(address, record));
            }
            catch (SignalException ex) when (ex.Kind != SignalErrorKind.UntrustedIdentity)
            {
                worst = Worse(worst, ex);
            }
        }

        throw worst!;
    }

    private async Task<SignalDecryptResult> DecryptPreKeyAsync(SignalAddress address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var preKeyMessage = WhisperMessageCodec.ParsePreKey(data.Span, address);
        var inner = preKeyMessage.Message.Memory;
        var message = WhisperMessageCodec.ParseWhisper(inner.Span, address);
        var theirIdentity = SignalKey.StripPrefix(preKeyMessage.IdentityKey.Span);
        var change = new SignalStateChange();
        await CheckTrustAsync(address, theirIdentity, change, cancellationToken).ConfigureAwait(false);
        var ours = await LocalIdentityAsync(cancellationToken).ConfigureAwait(false);
        var record = await _store.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) ?? new SessionRecord();
        for (var i = 0; i < record.StateCount; i++)
        {
            var existing = record.StateAt(i);
            if (!existing.Initiator && existing.BaseKey.Span.SequenceEqual(preKeyMessage.BaseKey.Span))
            {
                // The peer has not seen our reply yet and repeats the prekey header: decrypt on the session it built.
                var attempt = new SessionState(existing.Clone());
                var plaintext = DecryptWithState(attempt, message, inner.Span, address, ours);
                record.ReplaceStateAt(i, attempt.Stored);
                return new SignalDecryptResult(plaintext, change.WithSession(address, record));
            }
        }

        var signedPreKey = await _store.SignedPreKeys.LoadSignedPreKeyAsync(preKeyMessage.SignedPreKeyId, cancellationToken).ConfigureAwait(false)
            ?? throw new SignalException(
                SignalErrorKind.InvalidPreKeyId,
                $"pkmsg from {address} names signed prekey {preKeyMessage.SignedPreKeyId}, which we do not have.",
                address);
        PreKeyRecord? oneTime = null;
        if (preKeyMessage.HasPreKeyId)
        {
            oneTime = await _store.PreKeys.LoadPreKeyAsync(preKeyMessage.PreKeyId, cancellationToken).ConfigureAwait(false)
                ?? throw new SignalException(
                    SignalErrorKind.InvalidPreKeyId,
                    $"pkmsg from {address} names one-time prekey {preKeyMessage.PreKeyId}, which we do not have (already used or never made).",
                    address);
        }

        var theirBaseKey = SignalKey.StripPrefix(preKeyMessage.BaseKey.Span);
        var state = new SessionState(Guard(address, () => SessionBuilder.InitializeAsResponder(
            ours, signedPreKey, oneTime, theirIdentity, theirBaseKey, preKeyMessage.RegistrationId)));
        var result = DecryptWithState(state, message, inner.Span, address, ours);
        record.Promote(state.Stored);
        change.WithSession(address, record);
        if (oneTime is not null)
        {
            change.WithRemovedPreKey(oneTime.Id);
        }

        return new SignalDecryptResult(result, change);
    }

    private byte[] DecryptWithState(
        SessionState state, SignalWhisperMessage message, ReadOnlySpan<byte> data, SignalAddress address, SignalIdentity ours)
    {
        var seed = TakeSeed(address, message, state);
        var keys = MessageKeys.FromSeed(seed);
        if (!WhisperMessageCodec.MacMatches(data, keys.MacKey, state.Stored.RemoteIdentityKey.Span, ours.KeyPair.SignalPublicKey))
        {
            throw new SignalException(SignalErrorKind.BadMac, $"Bad MAC on message {message.Counter} from {address}.", address);
        }

        byte[] plaintext;
        try
        {
            plaintext = AesCbcCipher.Decrypt(keys.CipherKey, keys.Iv, message.Ciphertext.Span);
        }
        catch (CryptoException ex)
        {
            throw new SignalException(SignalErrorKind.InvalidMessage, $"Message {message.Counter} from {address} does not decrypt: {ex.Message}", ex, address);
        }

        state.Stored.PendingPreKey = null;
        return plaintext;
    }

    private byte[] TakeSeed(SignalAddress address, SignalWhisperMessage message, SessionState state)
    {
        try
        {
            return state.TakeReceivingSeed(message.EphemeralKey.Span, message.Counter, message.PreviousCounter, address, _keys);
        }
        catch (CryptoException ex)
        {
            throw new SignalException(SignalErrorKind.InvalidMessage, $"Ratchet key of message {message.Counter} from {address} is unusable: {ex.Message}", ex, address);
        }
    }

    private static T Guard<T>(SignalAddress address, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (CryptoException ex)
        {
            throw new SignalException(SignalErrorKind.InvalidMessage, $"Key agreement with {address} failed: {ex.Message}", ex, address);
        }
    }

    private async Task CheckTrustAsync(SignalAddress address, byte[] identityKey, SignalStateChange change, CancellationToken cancellationToken)
    {
        var trusted = await _store.Identities.GetRemoteIdentityAsync(address, cancellationToken).ConfigureAwait(false);
        if (trusted is null)
        {
            change.WithIdentity(address, identityKey);
        }
        else if (!trusted.AsSpan().SequenceEqual(identityKey))
        {
            throw new SignalException(
                SignalErrorKind.UntrustedIdentity,
                $"The identity key of {address} changed; accept it with SignalStateChange.TrustIdentity before using the new session.",
                address,
                identityKey);
        }
    }

    private async Task<SignalIdentity> LocalIdentityAsync(CancellationToken cancellationToken) =>
        await _store.Identities.GetLocalIdentityAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("The Signal store has no local identity; register one before using sessions.");

    private static void CheckBundle(SignalAddress address, PreKeyBundle bundle)
    {
        if (bundle.IdentityKey.Length != 32 || bundle.SignedPreKey.Length != 32 || bundle.SignedPreKeySignature.Length != 64
            || (bundle.PreKey is not null && bundle.PreKey.Length != 32) || (bundle.PreKey is null) != (bundle.PreKeyId is null))
        {
            throw new SignalException(
                SignalErrorKind.InvalidMessage,
                $"The prekey bundle of {address} has identity {bundle.IdentityKey.Length}, signed prekey {bundle.SignedPreKey.Length}, " +
                $"signature {bundle.SignedPreKeySignature.Length} and prekey {bundle.PreKey?.Length} bytes (expected 32, 32, 64 and 32 or none, with its id).",
                address);
        }
    }

    private static SignalException Worse(SignalException? current, SignalException candidate)
    {
        static int Rank(SignalErrorKind kind) => kind switch
        {
            SignalErrorKind.Duplicate => 3,
            SignalErrorKind.TooManySkipped => 2,
            SignalErrorKind.BadMac => 1,
            _ => 0,
        };

        return current is null || Rank(candidate.Kind) > Rank(current.Kind) ? candidate : current;
    }
}
