using WaEngine.TestKit;
using WaEngine.Engine.Transport;

namespace WaEngine.Engine.Tests.Transport;

public class InMemoryFrameTransportTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task Frames_cross_both_ways_whatever_the_chunking(int? seed)
    {
        var (client, server) = InMemoryFrameTransport.CreatePair(seed);
        await using var c = client;
        await using var s = server;
        int[] sizes = [0, 1, 65_535, 65_536, 200_000];
        foreach (var size in sizes)
        {
            await client.SendFrameAsync(Payload(size), CancellationToken.None);
        }

        foreach (var size in sizes)
        {
            Assert.Equal(Payload(size), await server.ReceiveFrameAsync(CancellationToken.None));
            await server.SendFrameAsync(Payload(size + 1), CancellationToken.None);
        }

        foreach (var size in sizes)
        {
            Assert.Equal(Payload(size + 1), await client.ReceiveFrameAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Closing_on_a_frame_boundary_raises_transport_closed()
    {
        var (client, server) = InMemoryFrameTransport.CreatePair();
        await client.SendFrameAsync(new byte[] { 1 }, CancellationToken.None);
        await client.DisposeAsync();
        Assert.Equal([1], await server.ReceiveFrameAsync(CancellationToken.None));
        await Assert.ThrowsAsync<TransportClosedException>(async () => await server.ReceiveFrameAsync(CancellationToken.None));
        await server.DisposeAsync();
    }

    private static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }
}
