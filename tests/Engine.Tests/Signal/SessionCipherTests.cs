using System.Text;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Tests.Signal;

public sealed class SessionCipherTests
{
    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task FirstMessageIsPreKeyThenRepliesAreWhisper()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);

        var first = await alice.EncryptAsync(bob, Text("hello"));
        Assert.Equal(SignalMessageType.PreKey, first.Type);
        Assert.Equal(0x33, first.Ciphertext[0]);
        var second = await alice.EncryptAsync(bob, Text("again"));
        Assert.Equal(SignalMessageType.PreKey, second.Type);
        Assert.Equal("hello", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, first)));
        Assert.Equal(9, await bob.Store.CountPreKeysAsync(default));
        Assert.Equal("again", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, second)));

        var reply = await bob.EncryptAsync(alice, Text("hi"));
        Assert.Equal(SignalMessageType.Whisper, reply.Type);
        Assert.Equal("hi", Encoding.UTF8.GetString(await alice.DecryptAsync(bob, reply)));
        var third = await alice.EncryptAsync(bob, Text("now msg"));
        Assert.Equal(SignalMessageType.Whisper, third.Type);
        Assert.Equal("now msg", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, third)));
    }

    [Fact]
    public async Task WorksWithoutOneTimePreKey()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob, withOneTime: false);
        var first = await alice.EncryptAsync(bob, Text("x"));
        Assert.Equal("x", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, first)));
        Assert.Equal(10, await bob.Store.CountPreKeysAsync(default));
    }

    [Fact]
    public async Task OutOfOrderAcrossRatchetsAndDuplicatesRejected()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);
        var a0 = await alice.EncryptAsync(bob, Text("a0"));
        await bob.DecryptAsync(alice, a0);
        var b0 = await bob.EncryptAsync(alice, Text("b0"));
        await alice.DecryptAsync(bob, b0);

        var held = new List<SignalEncryptResult>();
        for (var i = 0; i < 5; i++)
        {
            held.Add(await alice.EncryptAsync(bob, Text("a" + (i + 1))));
        }

        Assert.Equal("a5", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, held[4])));
        var b1 = await bob.EncryptAsync(alice, Text("b1"));
        await alice.DecryptAsync(bob, b1);
        var a6 = await alice.EncryptAsync(bob, Text("a6"));
        Assert.Equal("a6", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, a6)));
        for (var i = 3; i >= 0; i--)
        {
            Assert.Equal("a" + (i + 1), Encoding.UTF8.GetString(await bob.DecryptAsync(alice, held[i])));
        }

        var duplicate = await Assert.ThrowsAsync<SignalException>(() => bob.DecryptAsync(alice, held[2]));
        Assert.Equal(SignalErrorKind.Duplicate, duplicate.Kind);
        Assert.Equal(alice.Address, duplicate.Address);
        var duplicatePreKey = await Assert.ThrowsAsync<SignalException>(() => bob.DecryptAsync(alice, a0));
        Assert.Equal(SignalErrorKind.Duplicate, duplicatePreKey.Kind);
    }

    [Fact]
    public async Task TooFarAheadIsRejectedAndLeavesStateUsable()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);
        await bob.DecryptAsync(alice, await alice.EncryptAsync(bob, Text("start")));
        for (var i = 0; i < 2002; i++)
        {
            await alice.EncryptAsync(bob, Text("lost"));
        }

        var far = await alice.EncryptAsync(bob, Text("far"));
        var error = await Assert.ThrowsAsync<SignalException>(() => bob.DecryptAsync(alice, far));
        Assert.Equal(SignalErrorKind.TooManySkipped, error.Kind);
    }

    [Fact]
    public async Task TamperedMessageIsBadMacAndDoesNotAdvance()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);
        await bob.DecryptAsync(alice, await alice.EncryptAsync(bob, Text("start")));
        var reply = await bob.EncryptAsync(alice, Text("r"));
        var bytes = (byte[])reply.Ciphertext.Clone();
        bytes[^1] ^= 1;
        var error = await Assert.ThrowsAsync<SignalException>(
            () => alice.Sessions.DecryptAsync(bob.Address, SignalMessageType.Whisper, bytes, default));
        Assert.Equal(SignalErrorKind.BadMac, error.Kind);
        Assert.Equal("r", Encoding.UTF8.GetString(await alice.DecryptAsync(bob, reply)));
    }

    [Fact]
    public async Task NoSessionAndUnknownPreKeyAreTyped()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        var noSession = await Assert.ThrowsAsync<SignalException>(() => alice.Sessions.EncryptAsync(bob.Address, Text("x"), default));
        Assert.Equal(SignalErrorKind.NoSession, noSession.Kind);

        await alice.StartSessionAsync(bob);
        var first = await alice.EncryptAsync(bob, Text("x"));
        await bob.Store.RemovePreKeyAsync(1, default);
        var missing = await Assert.ThrowsAsync<SignalException>(() => bob.DecryptAsync(alice, first));
        Assert.Equal(SignalErrorKind.InvalidPreKeyId, missing.Kind);
        Assert.Contains("prekey 1", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSignedPreKeySignatureIsRejected()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        var bundle = await bob.BundleAsync();
        var signature = (byte[])bundle.SignedPreKeySignature.Clone();
        signature[5] ^= 0x40;
        var error = await Assert.ThrowsAsync<SignalException>(
            () => alice.Sessions.ProcessPreKeyBundleAsync(bob.Address, bundle with { SignedPreKeySignature = signature }, default));
        Assert.Equal(SignalErrorKind.InvalidSignature, error.Kind);
    }

    [Fact]
    public async Task IdentityChangeIsSurfacedAndCanBeAccepted()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);
        await bob.DecryptAsync(alice, await alice.EncryptAsync(bob, Text("one")));

        var newAlice = new SignalParty("alice");
        await newAlice.StartSessionAsync(bob);
        var fresh = await newAlice.EncryptAsync(bob, Text("new me"));
        var error = await Assert.ThrowsAsync<SignalException>(() => bob.DecryptAsync(newAlice, fresh));
        Assert.Equal(SignalErrorKind.UntrustedIdentity, error.Kind);
        Assert.Equal(newAlice.Address, error.Address);
        Assert.Equal(newAlice.Identity.KeyPair.PublicKey, error.IdentityKey);

        await bob.Store.CommitAsync(SignalStateChange.TrustIdentity(error.Address!.Value, error.IdentityKey!), default);
        Assert.Equal("new me", Encoding.UTF8.GetString(await bob.DecryptAsync(newAlice, fresh)));
        var reply = await bob.EncryptAsync(newAlice, Text("welcome back"));
        Assert.Equal("welcome back", Encoding.UTF8.GetString(await newAlice.DecryptAsync(bob, reply)));
    }

    [Fact]
    public async Task PreviousStatesStillDecrypt()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);
        await bob.DecryptAsync(alice, await alice.EncryptAsync(bob, Text("one")));
        var late = await bob.EncryptAsync(alice, Text("late"));

        await alice.StartSessionAsync(bob);
        var record = await alice.Store.LoadSessionAsync(bob.Address, default);
        Assert.Equal(1, record!.PreviousStateCount);
        Assert.Equal("late", Encoding.UTF8.GetString(await alice.DecryptAsync(bob, late)));

        // The previous state that decrypted is the one bob writes with: it becomes current (as libsignal-java and -rust
        // promote it), so alice answers on it rather than on the session bob has not seen yet.
        record = await alice.Store.LoadSessionAsync(bob.Address, default);
        Assert.Equal(1, record!.PreviousStateCount);
        var again = await alice.EncryptAsync(bob, Text("fresh"));
        Assert.Equal(SignalMessageType.Whisper, again.Type);
        Assert.Equal("fresh", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, again)));
    }
}
