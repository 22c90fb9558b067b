using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Signal;

public sealed class SqliteSignalStoreTests
{
    [Fact]
    public async Task EveryRecordRoundTrips()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "line.db");
        var keys = new SignalKeyGenerator();
        var identity = keys.GenerateIdentity();
        var signed = keys.GenerateSignedPreKey(identity, 7);
        var preKeys = keys.GeneratePreKeys(SignalKeyGenerator.MaxPreKeyId - 1, 3);
        var peer = SignalAddress.ForUser("15551234567", SignalAddress.LidDomainType, 3);
        var peerIdentity = keys.GenerateKeyPair().PublicKey;
        var senderName = new SenderKeyName("123@g.us", peer);

        var alice = await LineParty.InMemoryAsync("alice");
        using (var database = await LineDatabase.OpenAsync(path, default))
        {
            var store = new SqliteSignalStore(database);
            await store.Identities.SaveLocalIdentityAsync(identity, default);
            await store.SignedPreKeys.StoreSignedPreKeyAsync(signed, default);
            await store.PreKeys.StorePreKeysAsync(preKeys, default);

            var session = await new SessionCipher(alice.Store).ProcessPreKeyBundleAsync(peer, BundleOf(identity, signed, preKeys[0]), default);
            await store.CommitAsync(session, default);
            await store.Identities.SaveRemoteIdentityAsync(peer, peerIdentity, default);
            var group = await new GroupCipher(store).CreateDistributionMessageAsync(senderName, default);
            await store.CommitAsync(group.Changes, default);
        }

        using (var database = await LineDatabase.OpenAsync(path, default))
        {
            var store = new SqliteSignalStore(database);
            var loaded = await store.Identities.GetLocalIdentityAsync(default);
            Assert.Equal(identity.KeyPair.PublicKey, loaded!.KeyPair.PublicKey);
            Assert.Equal(identity.KeyPair.PrivateKey, loaded.KeyPair.PrivateKey);
            Assert.Equal(identity.RegistrationId, loaded.RegistrationId);
            Assert.Equal(peerIdentity, await store.Identities.GetRemoteIdentityAsync(peer, default));
            Assert.Null(await store.Identities.GetRemoteIdentityAsync(new SignalAddress("nobody", 0), default));

            var loadedSigned = await store.SignedPreKeys.LoadSignedPreKeyAsync(7, default);
            Assert.Equal(signed.Signature, loadedSigned!.Signature);
            Assert.Equal(signed.KeyPair.PrivateKey, loadedSigned.KeyPair.PrivateKey);
            Assert.Equal([SignalKeyGenerator.MaxPreKeyId - 1, SignalKeyGenerator.MaxPreKeyId, 1u], preKeys.Select(p => p.Id));
            Assert.Equal(3, await store.PreKeys.CountPreKeysAsync(default));
            Assert.Equal(preKeys[2].KeyPair.PublicKey, (await store.PreKeys.LoadPreKeyAsync(1, default))!.KeyPair.PublicKey);
            await store.PreKeys.RemovePreKeyAsync(1, default);
            Assert.Null(await store.PreKeys.LoadPreKeyAsync(1, default));

            var record = await store.Sessions.LoadSessionAsync(peer, default);
            Assert.True(record!.HasCurrentSession);
            Assert.Equal(identity.KeyPair.PublicKey, record.RemoteIdentityKey);
            Assert.Equal(identity.RegistrationId, record.RemoteRegistrationId);
            var senderKey = await store.SenderKeys.LoadSenderKeyAsync(senderName, default);
            Assert.Equal(1, senderKey!.StateCount);
            await store.Sessions.DeleteSessionAsync(peer, default);
            Assert.Null(await store.Sessions.LoadSessionAsync(peer, default));
        }
    }

    private static PreKeyBundle BundleOf(SignalIdentity identity, SignedPreKeyRecord signed, PreKeyRecord preKey) =>
        new(identity.RegistrationId, 3, identity.KeyPair.PublicKey, signed.Id, signed.KeyPair.PublicKey, signed.Signature, preKey.Id, preKey.KeyPair.PublicKey);
}
