using WaEngine.TestKit;
using BenchmarkDotNet.Attributes;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Bench;

/// <summary>
/// The same work bench/signal-libsignal.mjs times on npm libsignal: one message encrypted and decrypted on an
/// established session, and a session set up from a bundle (process bundle, pkmsg encrypt, pkmsg decrypt).
/// State lives in the in-memory stores, serialized per call as a database would hold it.
/// </summary>
[MemoryDiagnoser]
public class SignalBenchmarks
{
    private static readonly byte[] Plaintext = new byte[128];
    private readonly SignalAddress _aliceAddress = new("alice", 0);
    private readonly SignalAddress _bobAddress = new("bob", 0);
    private InMemorySignalStore _alice = null!;
    private InMemorySignalStore _bob = null!;
    private SessionCipher _aliceCipher = null!;
    private SessionCipher _bobCipher = null!;
    private PreKeyBundle _bobBundle = null!;

    /// <summary>Creates both parties and an established session (one round trip).</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        var keys = new SignalKeyGenerator();
        _alice = new InMemorySignalStore();
        _bob = new InMemorySignalStore();
        await _alice.SaveLocalIdentityAsync(keys.GenerateIdentity(), default);
        var bobIdentity = keys.GenerateIdentity();
        await _bob.SaveLocalIdentityAsync(bobIdentity, default);
        var signed = keys.GenerateSignedPreKey(bobIdentity, 1);
        await _bob.StoreSignedPreKeyAsync(signed, default);
        _bobBundle = new PreKeyBundle(
            bobIdentity.RegistrationId, 0, bobIdentity.KeyPair.PublicKey, 1, signed.KeyPair.PublicKey, signed.Signature);
        _aliceCipher = new SessionCipher(_alice, keys);
        _bobCipher = new SessionCipher(_bob, keys);
        await SessionSetupAsync();
        var reply = await _bobCipher.EncryptAsync(_aliceAddress, Plaintext, default);
        await _bob.CommitAsync(reply.Changes, default);
        var decrypted = await _aliceCipher.DecryptAsync(_bobAddress, reply.Type, reply.Ciphertext, default);
        await _alice.CommitAsync(decrypted.Changes, default);
    }

    /// <summary>Alice encrypts 128 bytes, Bob decrypts; both commit.</summary>
    [Benchmark]
    public async Task<byte[]> EncryptDecryptAsync()
    {
        var message = await _aliceCipher.EncryptAsync(_bobAddress, Plaintext, default);
        await _alice.CommitAsync(message.Changes, default);
        var decrypted = await _bobCipher.DecryptAsync(_aliceAddress, message.Type, message.Ciphertext, default);
        await _bob.CommitAsync(decrypted.Changes, default);
        return decrypted.Plaintext;
    }

    /// <summary>Alice processes Bob's bundle and sends a pkmsg; Bob decrypts it (X3DH on both sides).</summary>
    [Benchmark]
    public async Task<byte[]> SessionSetupAsync()
    {
        await _alice.DeleteSessionAsync(_bobAddress, default);
        await _bob.DeleteSessionAsync(_aliceAddress, default);
        await _alice.CommitAsync(await _aliceCipher.ProcessPreKeyBundleAsync(_bobAddress, _bobBundle, default), default);
        var message = await _aliceCipher.EncryptAsync(_bobAddress, Plaintext, default);
        await _alice.CommitAsync(message.Changes, default);
        var decrypted = await _bobCipher.DecryptAsync(_aliceAddress, message.Type, message.Ciphertext, default);
        await _bob.CommitAsync(decrypted.Changes, default);
        return decrypted.Plaintext;
    }
}
