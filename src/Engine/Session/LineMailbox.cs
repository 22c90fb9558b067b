using System.Threading.Channels;

namespace WaEngine.Engine.Session;

/// <summary>
/// The way into a line's loop for timers and background work: posting is safe from any thread. Only the actor reads.
/// </summary>
internal sealed class LineMailbox(int capacity)
{
    private readonly Channel<LineMail> _channel = Channel.CreateBounded<LineMail>(new BoundedChannelOptions(capacity) { SingleReader = true });

    /// <summary>The actor's end.</summary>
    public ChannelReader<LineMail> Reader => _channel.Reader;

    /// <summary>Posts without waiting (timers, connection callbacks); false when full or closed.</summary>
    public bool TryPost(LineMail mail) => _channel.Writer.TryWrite(mail);

    /// <summary>Posts, waiting for room.</summary>
    /// <exception cref="ChannelClosedException">The line shut down.</exception>
    public ValueTask PostAsync(LineMail mail, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(mail, cancellationToken);

    /// <summary>Refuses further mail.</summary>
    public void Close() => _channel.Writer.TryComplete();
}
