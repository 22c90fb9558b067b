using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>
/// Double-ratchet operations over one stored session state. The cipher works on a clone and only hands the
/// clone back when the whole decrypt or encrypt succeeded, so a failure never leaves a half-advanced state.
/// </summary>
internal sealed class SessionState
{
    public SessionState(StoredSessionState stored)
    {
        Stored = stored;
    }

    public StoredSessionState Stored { get; }

    public byte[] RemoteIdentityKey33 => Stored.RemoteIdentityKey.ToByteArray();

    public bool HasSenderChain => Stored.SenderChain is { ChainKey.IsEmpty: false };

    public SessionState Clone() => new(Stored.Clone());

    public bool HasBaseKey(ReadOnlySpan<byte> baseKey33) => Stored.BaseKey.Span.SequenceEqual(baseKey33);

    /// <summary>Takes the key of sending message number <paramref name="counter"/> and advances the sending chain.</summary>
    public byte[] NextSendingSeed(out uint counter)
    {
        var chain = Stored.SenderChain;
        counter = chain.Index;
        var chainKey = chain.ChainKey.Span;
        var seed = MessageKeys.SeedOf(chainKey);
        chain.ChainKey = ByteString.CopyFrom(MessageKeys.NextChainKey(chainKey));
        chain.Index = counter + 1;
        return seed;
    }

    /// <summary>
    /// Finds or creates the receiving chain for <paramref name="theirRatchetKey33"/> (stepping the DH ratchet on a new key),
    /// then takes message <paramref name="counter"/>'s key: a stored skipped key, or one derived by advancing the chain.
    /// </summary>
    public byte[] TakeReceivingSeed(
        ReadOnlySpan<byte> theirRatchetKey33, uint counter, uint previousCounter, SignalAddress address, SignalKeyGenerator keys)
    {
        var chain = FindReceiverChain(theirRatchetKey33) ?? StepRatchet(theirRatchetKey33, previousCounter, address, keys);
        if (counter < chain.Index)
        {
            for (var i = 0; i < chain.SkippedKeys.Count; i++)
            {
                if (chain.SkippedKeys[i].Index == counter)
                {
                    var seed = chain.SkippedKeys[i].Seed.ToByteArray();
                    chain.SkippedKeys.RemoveAt(i);
                    return seed;
                }
            }

            throw new SignalException(
                SignalErrorKind.Duplicate,
                $"Message {counter} from {address} was already decrypted (the chain is at {chain.Index} and holds no key for it).",
                address);
        }

        FillChain(chain, counter, address);
        var current = chain.ChainKey.Span;
        var result = MessageKeys.SeedOf(current);
        chain.ChainKey = ByteString.CopyFrom(MessageKeys.NextChainKey(current));
        chain.Index = counter + 1;
        return result;
    }

    private StoredChain? FindReceiverChain(ReadOnlySpan<byte> ratchetKey33)
    {
        foreach (var chain in Stored.ReceiverChains)
        {
            if (chain.RatchetKey.Span.SequenceEqual(ratchetKey33))
            {
                return chain;
            }
        }

        return null;
    }

    /// <summary>Stores the keys of messages before <paramref name="target"/> as skipped; the chain then stands at target.</summary>
    private static void FillChain(StoredChain chain, uint target, SignalAddress address)
    {
        if (target < chain.Index)
        {
            return;
        }

        if (target - chain.Index > SignalLimits.MaxForwardJump)
        {
            throw new SignalException(
                SignalErrorKind.TooManySkipped,
                $"Message {target} from {address} is {target - chain.Index} messages ahead of the chain at {chain.Index} " +
                $"(at most {SignalLimits.MaxForwardJump}).",
                address);
        }

        if (chain.ChainKey.IsEmpty)
        {
            throw new SignalException(
                SignalErrorKind.InvalidMessage,
                $"Message {target} from {address} is on a closed chain that ended at {chain.Index}.",
                address);
        }

        var key = chain.ChainKey.ToByteArray();
        for (var index = chain.Index; index < target; index++)
        {
            chain.SkippedKeys.Add(new StoredMessageKey { Index = index, Seed = ByteString.CopyFrom(MessageKeys.SeedOf(key)) });
            key = MessageKeys.NextChainKey(key);
        }

        var excess = chain.SkippedKeys.Count - SignalLimits.MaxSkippedKeysPerChain;
        for (var i = 0; i < excess; i++)
        {
            chain.SkippedKeys.RemoveAt(0);
        }

        chain.ChainKey = ByteString.CopyFrom(key);
        chain.Index = target;
    }

    private StoredChain StepRatchet(ReadOnlySpan<byte> theirRatchetKey33, uint previousCounter, SignalAddress address, SignalKeyGenerator keys)
    {
        if (Stored.ReceiverChains.Count > 0)
        {
            var last = Stored.ReceiverChains[^1];
            if (!last.ChainKey.IsEmpty)
            {
                FillChain(last, previousCounter + 1, address);
                last.ChainKey = ByteString.Empty;
            }
        }

        var theirKey = SignalKey.StripPrefix(theirRatchetKey33);
        var (receivingRoot, receivingChainKey) = RootKey.Ratchet(Stored.RootKey.Span, Stored.SenderRatchetPrivate.Span, theirKey);
        var receiving = new StoredChain
        {
            RatchetKey = ByteString.CopyFrom(theirRatchetKey33),
            Index = 0,
            ChainKey = ByteString.CopyFrom(receivingChainKey),
        };
        Stored.ReceiverChains.Add(receiving);
        while (Stored.ReceiverChains.Count > SignalLimits.MaxReceiverChains)
        {
            Stored.ReceiverChains.RemoveAt(0);
        }

        if (Stored.SenderChain is not null)
        {
            Stored.PreviousCounter = Stored.SenderChain.Index == 0 ? 0 : Stored.SenderChain.Index - 1;
        }

        var ratchet = keys.GenerateKeyPair();
        var (sendingRoot, sendingChainKey) = RootKey.Ratchet(receivingRoot, ratchet.PrivateKey, theirKey);
        Stored.RootKey = ByteString.CopyFrom(sendingRoot);
        Stored.SenderRatchetPublic = ByteString.CopyFrom(ratchet.SignalPublicKey);
        Stored.SenderRatchetPrivate = ByteString.CopyFrom(ratchet.PrivateKey);
        Stored.SenderChain = new StoredChain
        {
            RatchetKey = ByteString.CopyFrom(ratchet.SignalPublicKey),
            Index = 0,
            ChainKey = ByteString.CopyFrom(sendingChainKey),
        };
        return receiving;
    }
}
