using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>X3DH as libsignal v3 does it: the initiator's state from a bundle, the responder's from a pkmsg.</summary>
internal static class SessionBuilder
{
    /// <summary>
    /// Alice: master = 0xFF×32 || DH(IKa, SPKb) || DH(EKa, IKb) || DH(EKa, SPKb) [|| DH(EKa, OPKb)], then the first sending ratchet.
    /// </summary>
    public static StoredSessionState InitializeAsInitiator(
        SignalIdentity ours, KeyPair baseKey, KeyPair sendingRatchet, PreKeyBundle bundle)
    {
        var oneTime = bundle.PreKey is null ? 0 : 1;
        var master = new byte[32 * (4 + oneTime)];
        master.AsSpan(0, 32).Fill(0xFF);
        Curve25519.SharedSecret(ours.KeyPair.PrivateKey, bundle.SignedPreKey).CopyTo(master, 32);
        Curve25519.SharedSecret(baseKey.PrivateKey, bundle.IdentityKey).CopyTo(master, 64);
        Curve25519.SharedSecret(baseKey.PrivateKey, bundle.SignedPreKey).CopyTo(master, 96);
        if (bundle.PreKey is not null)
        {
            Curve25519.SharedSecret(baseKey.PrivateKey, bundle.PreKey).CopyTo(master, 128);
        }

        var (root, _) = RootKey.FromMasterSecret(master);
        var (sendingRoot, sendingChain) = RootKey.Ratchet(root, sendingRatchet.PrivateKey, bundle.SignedPreKey);
        var state = new StoredSessionState
        {
            RemoteIdentityKey = ByteString.CopyFrom(SignalKey.Prefix(bundle.IdentityKey)),
            LocalIdentityKey = ByteString.CopyFrom(ours.KeyPair.SignalPublicKey),
            RootKey = ByteString.CopyFrom(sendingRoot),
            PreviousCounter = 0,
            SenderRatchetPublic = ByteString.CopyFrom(sendingRatchet.SignalPublicKey),
            SenderRatchetPrivate = ByteString.CopyFrom(sendingRatchet.PrivateKey),
            SenderChain = new StoredChain
            {
                RatchetKey = ByteString.CopyFrom(sendingRatchet.SignalPublicKey),
                Index = 0,
                ChainKey = ByteString.CopyFrom(sendingChain),
            },
            PendingPreKey = new StoredPendingPreKey
            {
                SignedPreKeyId = bundle.SignedPreKeyId,
                BaseKey = ByteString.CopyFrom(baseKey.SignalPublicKey),
            },
            RemoteRegistrationId = bundle.RegistrationId,
            BaseKey = ByteString.CopyFrom(baseKey.SignalPublicKey),
            Initiator = true,
        };
        if (bundle.PreKeyId is { } preKeyId)
        {
            state.PendingPreKey.PreKeyId = preKeyId;
        }

        return state;
    }

    /// <summary>
    /// Bob: master = 0xFF×32 || DH(SPKb, IKa) || DH(IKb, EKa) || DH(SPKb, EKa) [|| DH(OPKb, EKa)]; the signed prekey is the
    /// first ratchet key, and the sending chain comes with the first received message's ratchet step.
    /// </summary>
    public static StoredSessionState InitializeAsResponder(
        SignalIdentity ours, SignedPreKeyRecord signedPreKey, PreKeyRecord? oneTimePreKey, byte[] theirIdentity32, byte[] theirBaseKey32, uint theirRegistrationId)
    {
        var master = new byte[32 * (oneTimePreKey is null ? 4 : 5)];
        master.AsSpan(0, 32).Fill(0xFF);
        Curve25519.SharedSecret(signedPreKey.KeyPair.PrivateKey, theirIdentity32).CopyTo(master, 32);
        Curve25519.SharedSecret(ours.KeyPair.PrivateKey, theirBaseKey32).CopyTo(master, 64);
        Curve25519.SharedSecret(signedPreKey.KeyPair.PrivateKey, theirBaseKey32).CopyTo(master, 96);
        if (oneTimePreKey is not null)
        {
            Curve25519.SharedSecret(oneTimePreKey.KeyPair.PrivateKey, theirBaseKey32).CopyTo(master, 128);
        }

        var (root, _) = RootKey.FromMasterSecret(master);
        return new StoredSessionState
        {
            RemoteIdentityKey = ByteString.CopyFrom(SignalKey.Prefix(theirIdentity32)),
            LocalIdentityKey = ByteString.CopyFrom(ours.KeyPair.SignalPublicKey),
            RootKey = ByteString.CopyFrom(root),
            PreviousCounter = 0,
            SenderRatchetPublic = ByteString.CopyFrom(signedPreKey.KeyPair.SignalPublicKey),
            SenderRatchetPrivate = ByteString.CopyFrom(signedPreKey.KeyPair.PrivateKey),
            RemoteRegistrationId = theirRegistrationId,
            BaseKey = ByteString.CopyFrom(SignalKey.Prefix(theirBaseKey32)),
            Initiator = false,
        };
    }
}
