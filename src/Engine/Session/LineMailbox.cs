using System.Collections.Concurrent;
using System.Threading.Channels;

namespace WaEngine.Engine.Session;

/// <summary>
/// The way into a line's loop for timers and background work: posting is safe from any thread. Only the actor reads.
/// Mail that must not wait behind a full mailbox (the keepalive's verdict, a timer's mail when the mailbox is full) goes
/// to a second, unbounded lane the loop empties before each mail of the first (<see cref="TryTakeUrgent"/>): a line busy
/// with a send burst still notices a dead connection, and a timer's mail is never lost to a full mailbox.
/// </summary>
internal sealed class LineMailbox(int capacity)
{
    private readonly Channel<LineMail> _channel = Channel.CreateBounded<LineMail>(new BoundedChannelOptions(capacity) { SingleReader = true });
    private readonly ConcurrentQueue<LineMail> _urgent = new();
    private volatile bool _closed;

    /// <summary>The actor's end.</summary>
    public ChannelReader<LineMail> Reader => _channel.Reader;

    /// <summary>
    /// Posts without waiting (timers, connection callbacks): in order when there is room, else ahead of the queue in the
    /// urgent lane. False only when the mailbox is closed.
    /// </summary>
    public bool TryPost(LineMail mail) => _channel.Writer.TryWrite(mail) || PostUrgent(mail);

    /// <summary>Posts ahead of everything waiting (the loop takes it before its next mail). False when the mailbox is closed.</summary>
    public bool PostUrgent(LineMail mail)
    {
        if (_closed)
        {
            return false;
        }

        _urgent.Enqueue(mail);

        // Wakes a loop waiting on an empty mailbox; a full one is busy and looks at the urgent lane before its next mail.
        _channel.Writer.TryWrite(LineMail.Wake.Instance);
        return true;
    }

    /// <summary>The oldest urgent mail, if any. The actor's loop only.</summary>
    public bool TryTakeUrgent(out LineMail mail) => _urgent.TryDequeue(out mail!);

    /// <summary>Posts, waiting for room.</summary>
    /// <exception cref="ChannelClosedException">The line shut down.</exception>
    public ValueTask PostAsync(LineMail mail, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(mail, cancellationToken);

    /// <summary>Refuses further mail.</summary>
    public void Close()
    {
        _closed = true;
        _channel.Writer.TryComplete();
    }

    /// <summary>
    /// Closes the mailbox and fails every mail still in it with <paramref name="reason"/>; a connection that opened too
    /// late to be used is disposed.
    /// </summary>
    public async Task CloseAndFailAsync(Exception reason)
    {
        Close();
        while (_urgent.TryDequeue(out var left) || _channel.Reader.TryRead(out left))
        {
            await FailTakenAsync(left, reason).ConfigureAwait(false);
        }
    }

    /// <summary>Fails one mail already taken from the mailbox that will not be handled (the line shut down first).</summary>
    public async Task FailTakenAsync(LineMail mail, Exception reason)
    {
        mail.Fail(reason);
        if (mail is LineMail.Connected orphan)
        {
            await orphan.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
