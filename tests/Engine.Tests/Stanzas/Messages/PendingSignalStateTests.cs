using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Storage;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Stanzas.Messages;

/// <summary>
/// The overlay a batch of planned messages is encrypted through: what a step trusts or builds is read back by the steps
/// after it, and reaches the line's store only with the batch's one commit.
/// </summary>
public sealed class PendingSignalStateTests
{
    private static readonly SignalAddress Peer = SignalAddress.ForUser("15550001111", 0);

    [Fact]
    public async Task An_identity_trusted_within_the_batch_is_read_back_by_later_steps_and_stored_only_by_the_commit()
    {
        var store = new InMemorySignalStore();
        var oldKey = Enumerable.Repeat((byte)1, 32).ToArray();
        var newKey = Enumerable.Repeat((byte)2, 32).ToArray();
        await store.CommitAsync(SignalStateChange.TrustIdentity(Peer, oldKey), CancellationToken.None);
        var pending = new PendingSignalState(store);

        // Read once (cached for the batch), then trusted anew through the overlay (IdentityTrust after a reinstall).
        Assert.Equal(oldKey, await pending.Identities.GetRemoteIdentityAsync(Peer, CancellationToken.None));
        await pending.CommitAsync(SignalStateChange.TrustIdentity(Peer, newKey), CancellationToken.None);

        Assert.Equal(newKey, await pending.Identities.GetRemoteIdentityAsync(Peer, CancellationToken.None));
        Assert.Equal(oldKey, await store.GetRemoteIdentityAsync(Peer, CancellationToken.None));
        Assert.True(pending.HasChanges);

        await store.CommitAsync(pending.TakeChanges(), CancellationToken.None);
        Assert.Equal(newKey, await store.GetRemoteIdentityAsync(Peer, CancellationToken.None));
        Assert.False(pending.HasChanges);
    }

    [Fact]
    public async Task A_session_built_within_the_batch_is_loaded_from_the_overlay_until_the_commit()
    {
        var store = new InMemorySignalStore();
        var pending = new PendingSignalState(store);
        var record = new SessionRecord();

        await pending.CommitAsync(new SignalStateChange().WithSession(Peer, record), CancellationToken.None);

        Assert.Same(record, await pending.Sessions.LoadSessionAsync(Peer, CancellationToken.None));
        Assert.Null(await store.LoadSessionAsync(Peer, CancellationToken.None));
        await store.CommitAsync(pending.TakeChanges(), CancellationToken.None);
        Assert.NotNull(await store.LoadSessionAsync(Peer, CancellationToken.None));
    }
}
