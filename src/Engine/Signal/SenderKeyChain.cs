using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>The sender-key chain: HMAC steps 0x01/0x02 and HKDF "WhisperGroup" (iv 16 then cipher key 32).</summary>
internal static class SenderKeyChain
{
    private static readonly byte[] Info = "WhisperGroup"u8.ToArray();

    /// <summary>The AES key and IV of the message key seed.</summary>
    public static (byte[] Key, byte[] Iv) Expand(ReadOnlySpan<byte> seed)
    {
        Span<byte> salt = stackalloc byte[32];
        salt.Clear();
        var okm = Hkdf.DeriveSha256(seed, salt, Info, 48);
        return (okm[16..48], okm[..16]);
    }

    /// <summary>Takes the seed of the key for our next message and advances the chain.</summary>
    public static (uint Iteration, byte[] Seed) TakeNext(StoredSenderKeyState state)
    {
        var iteration = state.Iteration;
        var chainKey = state.ChainKey.Span;
        var seed = MessageKeys.SeedOf(chainKey);
        state.ChainKey = ByteString.CopyFrom(MessageKeys.NextChainKey(chainKey));
        state.Iteration = iteration + 1;
        return (iteration, seed);
    }

    /// <summary>Takes the seed for a received <paramref name="iteration"/>: a skipped key, or by advancing (at most 2000 ahead).</summary>
    public static byte[] TakeFor(StoredSenderKeyState state, uint iteration, SenderKeyName name)
    {
        if (iteration < state.Iteration)
        {
            for (var i = 0; i < state.SkippedKeys.Count; i++)
            {
                if (state.SkippedKeys[i].Index == iteration)
                {
                    var seed = state.SkippedKeys[i].Seed.ToByteArray();
                    state.SkippedKeys.RemoveAt(i);
                    return seed;
                }
            }

            throw new SignalException(
                SignalErrorKind.Duplicate,
                $"Group message {iteration} of sender key {state.KeyId} ({name}) was already decrypted (chain at {state.Iteration}).",
                name.Sender);
        }

        if (iteration - state.Iteration > SignalLimits.MaxForwardJump)
        {
            throw new SignalException(
                SignalErrorKind.TooManySkipped,
                $"Group message {iteration} of sender key {state.KeyId} ({name}) is {iteration - state.Iteration} ahead of the chain " +
                $"at {state.Iteration} (at most {SignalLimits.MaxForwardJump}).",
                name.Sender);
        }

        var key = state.ChainKey.ToByteArray();
        for (var index = state.Iteration; index < iteration; index++)
        {
            state.SkippedKeys.Add(new StoredMessageKey { Index = index, Seed = ByteString.CopyFrom(MessageKeys.SeedOf(key)) });
            key = MessageKeys.NextChainKey(key);
        }

        var excess = state.SkippedKeys.Count - SignalLimits.MaxSkippedKeysPerChain;
        for (var i = 0; i < excess; i++)
        {
            state.SkippedKeys.RemoveAt(0);
        }

        var result = MessageKeys.SeedOf(key);
        state.ChainKey = ByteString.CopyFrom(MessageKeys.NextChainKey(key));
        state.Iteration = iteration + 1;
        return result;
    }
}
