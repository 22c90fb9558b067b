using WaEngine.TestKit;
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

    public async Task StartSessionAsync(SignalParty peer, bool withOneTime = true) =>
        await StartSessionAsync(peer.Address, await peer.BundleAsync(withOneTime));

    public async Task StartSessionAsync(SignalAddress peer, PreKeyBundle bundle)
    {
        var change = await Sessions.ProcessPreKeyBundleAsync(peer, bundle, default);
        await Store.CommitAsync(change, default);
    }

    public Task<SignalEncryptResult> EncryptAsync(SignalParty peer, byte[] plaintext) => EncryptAsync(peer.Address, plaintext);

    public async Task<SignalEncryptResult> EncryptAsync(SignalAddress peer, byte[] plaintext)
    {
        var result = await Sessions.EncryptAsync(peer, plaintext, default);
        await Store.CommitAsync(result.Changes, default);
        return result;
    }

    public Task<byte[]> DecryptAsync(SignalParty peer, SignalEncryptResult message) =>
        DecryptAsync(peer.Address, message.Type, message.Ciphertext);

    public async Task<byte[]> DecryptAsync(SignalAddress peer, SignalMessageType type, byte[] ciphertext)
    {
        var result = await Sessions.DecryptAsync(peer, type, ciphertext, default);
        await Store.CommitAsync(result.Changes, default);
        return result.Plaintext;
    }

    public async Task<byte[]> GroupDistributionAsync(string group)
    {
        var result = await Groups.CreateDistributionMessageAsync(new SenderKeyName(group, Address), default);
        await Store.CommitAsync(result.Changes, default);
        return result.Message;
    }

    public async Task GroupProcessAsync(string group, SignalAddress sender, byte[] skdm)
    {
        var change = await Groups.ProcessDistributionMessageAsync(new SenderKeyName(group, sender), skdm, default);
        await Store.CommitAsync(change, default);
    }

    public async Task<byte[]> GroupEncryptAsync(string group, byte[] plaintext)
    {
        var result = await Groups.EncryptAsync(new SenderKeyName(group, Address), plaintext, default);
        await Store.CommitAsync(result.Changes, default);
        return result.Ciphertext;
    }

    public async Task<byte[]> GroupDecryptAsync(string group, SignalAddress sender, byte[] ciphertext)
    {
        var result = await Groups.DecryptAsync(new SenderKeyName(group, sender), ciphertext, default);
        await Store.CommitAsync(result.Changes, default);
        return result.Plaintext;
    }
}
