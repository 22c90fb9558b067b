using System.Text;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Tests.Signal;

public sealed class GroupCipherTests
{
    private const string Group = "g@g.us";

    [Fact]
    public async Task ForwardJumpIsBoundedAndOldStatesAreCapped()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await bob.GroupProcessAsync(Group, alice.Address, await alice.GroupDistributionAsync(Group));
        for (var i = 0; i < 2001; i++)
        {
            await alice.GroupEncryptAsync(Group, [1]);
        }

        var far = await alice.GroupEncryptAsync(Group, Encoding.UTF8.GetBytes("far"));
        var error = await Assert.ThrowsAsync<SignalException>(() => bob.GroupDecryptAsync(Group, alice.Address, far));
        Assert.Equal(SignalErrorKind.TooManySkipped, error.Kind);

        for (var i = 0; i < 7; i++)
        {
            var other = new SignalParty("alice");
            await bob.GroupProcessAsync(Group, alice.Address, await other.GroupDistributionAsync(Group));
        }

        var record = await bob.Store.LoadSenderKeyAsync(new SenderKeyName(Group, alice.Address), default);
        Assert.Equal(5, record!.StateCount);
    }

    [Fact]
    public async Task RepeatedDistributionDoesNotRewindTheChain()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        var skdm = await alice.GroupDistributionAsync(Group);
        await bob.GroupProcessAsync(Group, alice.Address, skdm);
        var message = await alice.GroupEncryptAsync(Group, [7]);
        Assert.Equal([7], await bob.GroupDecryptAsync(Group, alice.Address, message));
        await bob.GroupProcessAsync(Group, alice.Address, skdm);
        var replay = await Assert.ThrowsAsync<SignalException>(() => bob.GroupDecryptAsync(Group, alice.Address, message));
        Assert.Equal(SignalErrorKind.Duplicate, replay.Kind);
    }

    [Fact]
    public async Task UnknownSenderKeyIsNoSession()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.GroupDistributionAsync(Group);
        var message = await alice.GroupEncryptAsync(Group, [1]);
        var error = await Assert.ThrowsAsync<SignalException>(() => bob.GroupDecryptAsync(Group, alice.Address, message));
        Assert.Equal(SignalErrorKind.NoSession, error.Kind);
    }

    [Fact]
    public async Task InMemoryTransactionRollsBackWithoutCommit()
    {
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);
        var first = await alice.EncryptAsync(bob, [1, 2]);
        var decrypted = await bob.Sessions.DecryptAsync(alice.Address, first.Type, first.Ciphertext, default);
        await using (var transaction = await bob.Store.BeginTransactionAsync(default))
        {
            await transaction.ApplyAsync(decrypted.Changes, default);
        }

        Assert.Null(await bob.Store.LoadSessionAsync(alice.Address, default));
        Assert.Equal(10, await bob.Store.CountPreKeysAsync(default));
        Assert.Equal([1, 2], await bob.DecryptAsync(alice, first));
        Assert.Equal(9, await bob.Store.CountPreKeysAsync(default));
    }
}
