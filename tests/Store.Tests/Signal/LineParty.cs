using WaEngine.TestKit;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Tests.Signal;

/// <summary>A Signal client over any store: identity, signed prekey 1 and prekeys 1..10 saved on creation.</summary>
internal sealed class LineParty
{
    private LineParty(string name, ISignalStore store, SignalIdentity identity, SignedPreKeyRecord signed)
    {
        Address = new SignalAddress(name, 0);
        Store = store;
        Identity = identity;
        SignedPreKey = signed;
        Sessions = new SessionCipher(store);
    }

    public SignalAddress Address { get; }

    public ISignalStore Store { get; private set; }

    public SignalIdentity Identity { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    public SessionCipher Sessions { get; private set; }

    public static Task<LineParty> InMemoryAsync(string name) => CreateAsync(name, new InMemorySignalStore());

    public static async Task<LineParty> CreateAsync(string name, ISignalStore store)
    {
        var keys = new SignalKeyGenerator();
        var identity = keys.GenerateIdentity();
        var signed = keys.GenerateSignedPreKey(identity, 1);
        await store.Identities.SaveLocalIdentityAsync(identity, default);
        await store.SignedPreKeys.StoreSignedPreKeyAsync(signed, default);
        await store.PreKeys.StorePreKeysAsync(keys.GeneratePreKeys(1, 10), default);
        return new LineParty(name, store, identity, signed);
    }

    /// <summary>Points the party at a reopened store (after a simulated crash).</summary>
    public void Reattach(ISignalStore store)
    {
        Store = store;
        Sessions = new SessionCipher(store);
    }

    public async Task<PreKeyBundle> BundleAsync(uint preKeyId)
    {
        var preKey = await Store.PreKeys.LoadPreKeyAsync(preKeyId, default);
        return new PreKeyBundle(
            Identity.RegistrationId, 0, Identity.KeyPair.PublicKey, SignedPreKey.Id, SignedPreKey.KeyPair.PublicKey, SignedPreKey.Signature,
            preKey!.Id, preKey.KeyPair.PublicKey);
    }

    public async Task<SignalEncryptResult> EncryptAsync(LineParty to, byte[] plaintext)
    {
        var result = await Sessions.EncryptAsync(to.Address, plaintext, default);
        await Store.CommitAsync(result.Changes, default);
        return result;
    }

    public async Task<byte[]> DecryptAsync(LineParty from, SignalEncryptResult message)
    {
        var result = await Sessions.DecryptAsync(from.Address, message.Type, message.Ciphertext, default);
        await Store.CommitAsync(result.Changes, default);
        return result.Plaintext;
    }
}
