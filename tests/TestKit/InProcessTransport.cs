using WaEngine.Engine.Transport;

namespace WaEngine.TestKit;

/// <summary>
/// Connects a line to an in-process sandbox without a socket: each connect makes an in-memory frame pair and hands the
/// server half to the sandbox's network, which serves it exactly as it serves a websocket.
/// </summary>
public static class InProcessTransport
{
    /// <summary>A transport factory for <c>LineOptions.Transport</c> that connects to <paramref name="sandbox"/>.</summary>
    public static Func<Uri, CancellationToken, Task<IFrameTransport>> To(RunningSandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        return (_, _) =>
        {
            var (client, server) = InMemoryFrameTransport.CreatePair();
            _ = Task.Run(() => sandbox.Runtime.Network.RunConnectionAsync(server, CancellationToken.None));
            return Task.FromResult<IFrameTransport>(client);
        };
    }
}
