using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Noise;
using WaEngine.Sandbox.Protocol;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Protocol;

public class PendingPairingsTests
{
    [Fact]
    public async Task A_companion_is_found_by_each_ref_and_by_its_connection_until_it_is_forgotten()
    {
        await using var connection = Connection();
        await using var other = Connection();
        var pending = new PendingPairing(connection, ["2@a", "2@b"], new byte[32], new byte[32], "web");
        var pairings = new PendingPairings();
        pairings.Add(pending);

        Assert.True(pairings.TryFindByRef("2@b", out var found));
        Assert.Same(pending, found);
        Assert.False(pairings.TryFindByRef("2@c", out _));
        Assert.Same(pending, pairings.FindByConnection(connection));
        Assert.Null(pairings.FindByConnection(other));
        Assert.Equal([connection, connection], pairings.Connections);

        pairings.Forget(pending);
        Assert.False(pairings.TryFindByRef("2@a", out _));
        Assert.Empty(pairings.Connections);
    }

    [Fact]
    public async Task Forgetting_a_companion_cancels_its_code_wait_and_a_stale_code_does_not_remove_a_newer_one()
    {
        await using var connection = Connection();
        var pending = new PendingPairing(connection, ["2@a"], new byte[32], new byte[32], "web");
        var pairings = new PendingPairings();
        pairings.Add(pending);
        var first = new PendingCodePairing(pending, "15550001111", new byte[80], [1]);
        var second = new PendingCodePairing(pending, "15550001111", new byte[80], [2]);
        pairings.AddCode(first);
        pairings.AddCode(second);

        pairings.RemoveCode(first);
        Assert.True(pairings.TryFindCode("15550001111", out var waiting));
        Assert.Same(second, waiting);
        Assert.Same(second, pairings.FindCodeByConnection(connection));

        pairings.Forget(pending);
        Assert.False(pairings.TryFindCode("15550001111", out _));
        Assert.True(second.Finish.Task.IsCanceled);
    }

    private static ServerConnection Connection()
    {
        var (_, server) = InMemoryFrameTransport.CreatePair();
        return new ServerConnection(new NoiseConnection(server, new NoiseTransport(new byte[32], new byte[32])), NullLogger.Instance);
    }
}
