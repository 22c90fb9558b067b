using WaEngine.Engine.Stanzas.Messages;

namespace WaEngine.Engine.Tests.Stanzas.Messages;

/// <summary>The send queue's bound on messages written but not yet acked by the server.</summary>
public sealed class UnackedSendsTests
{
    // Only a hang misses this; the waits below end on an ack or a new connection, never on a clock.
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_queue_at_the_limit_waits_until_an_ack_makes_room()
    {
        var unacked = new UnackedSends(TimeProvider.System);
        unacked.Written("A");
        unacked.Written("B");
        await unacked.WaitForRoomAsync(3, CancellationToken.None).WaitAsync(Hang); // below the limit: no wait

        unacked.Written("C");
        var waiting = unacked.WaitForRoomAsync(3, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        unacked.Acked("unknown id"); // nothing removed: still full
        Assert.False(waiting.IsCompleted);

        unacked.Acked("B");
        await waiting.WaitAsync(Hang);
        Assert.Equal(2, unacked.Count);
    }

    [Fact]
    public async Task A_new_connection_makes_room_and_a_cancelled_wait_ends()
    {
        var unacked = new UnackedSends(TimeProvider.System);
        unacked.Written("A");
        var waiting = unacked.WaitForRoomAsync(1, CancellationToken.None);
        using var closed = new CancellationTokenSource();
        var cancelled = unacked.WaitForRoomAsync(1, closed.Token);
        Assert.False(waiting.IsCompleted);

        closed.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Hang));

        unacked.Clear();
        await waiting.WaitAsync(Hang);
        Assert.Equal(0, unacked.Count);
    }
}
