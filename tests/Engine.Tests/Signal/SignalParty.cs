using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Tests.Signal;

/// <summary>One of our Signal clients in memory: identity, a signed prekey, a batch of prekeys, ciphers.</summary>
internal sealed class SignalParty
{
    private uint _nextPreKeyId;

    public SignalParty(string name, uint device = 0)
    {
        Address = new SignalAddress(name, device);
        var keys = new SignalKeyGenerator();
        Identity = keys.GenerateIdentity();
        SignedPreKey = keys.GenerateSignedPreKey(Identity, 1);
        Store.SaveLocalIdentityAsync(Identity, default).GetAwaiter().GetResult();
        Store.StoreSignedPreKeyAsync(SignedPreKey, default).GetAwaiter().GetResult();
        Store.StorePreKeysAsync(keys.GeneratePreKeys(1, 10), default).GetAwaiter().GetResult();
        _nextPreKeyId = 1;
        Sessions = new SessionCipher(Store, keys);
        Groups = new GroupCipher(Store, keys);
    }

    public SignalAddress Address { get; }

    public SignalIdentity Identity { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    public InMemorySignalStore Store { get; } = new();

    public SessionCipher Sessions { get; }

    public GroupCipher Groups { get; }

    public async Task<PreKeyBundle> BundleAsync(bool withOneTime = true)
    {
        PreKeyRecord? preKey = null;
        if (withOneTime)
        {
            preKey = await Store.LoadPreKeyAsync(_nextPreKeyId++, default);
        }

        return new PreKeyBundle(
            Identity.RegistrationId, Address.DeviceId, Identity.KeyPair.PublicKey, SignedPreKey.Id, SignedPreKey.KeyPair.PublicKey,
            SignedPreKey.Signature, preKey?.Id, preKey?.KeyPair.PublicKey);
    }

    public async Task StartSessionAsync(SignalParty peer, bool withOneTime = true)
    {
        var change = await Sessions.ProcessPreKeyBundleAsync(peer.Address, await peer.BundleAsync(withOneTime), default);
        await Store.CommitAsync(change, default);
    }

    public async Task<SignalEncryptResult> EncryptAsync(SignalParty peer, byte[] plaintext)
    {
        var result = await Sessions.EncryptAsync(peer.Address, plaintext, default);
        await Store.CommitAsync(result.Changes, default);
        return result;
    }

    public async Task<byte[]> DecryptAsync(SignalParty peer, SignalEncryptResult message)
    {
        var result = await Sessions.DecryptAsync(peer.Address, message.Type, message.Ciphertext, default);
        await Store.CommitAsync(result.Changes, default);
        return result.Plaintext;
    }
}
