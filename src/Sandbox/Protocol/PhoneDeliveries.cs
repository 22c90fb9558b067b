using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The messages routed to virtual phones, handed over the way WhatsApp's server hands a message to a recipient's phone:
/// after the sender's ack, on the phone's own time. A phone is another device: its decrypting, storing and receipting
/// never held the sender's connection in WhatsApp, and must not here either (before this, one line's first messages to
/// 200 new phones were read one at a time by its connection, each waiting for its phone's X3DH and database commits,
/// and every iq the line sent meanwhile queued behind them: ~120 ms of the sender's time per message under load).
/// Each phone takes its messages one at a time in the order routed (one chain per phone); phones run side by side.
/// Only what clients (companions) send comes this way: a virtual phone's own send through the control API still
/// returns once the other phone has it, as tests and scripts driving phones expect.
/// Thread-safe. A failure is the phone's (logged); the sender's ack stands, as it does in WhatsApp.
/// </summary>
internal sealed partial class PhoneDeliveries(ILogger logger) : IAsyncDisposable
{
    /// <summary>How long a stopping sandbox waits for the phones to finish what they were handed.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Hands <paramref name="stanza"/> to <paramref name="account"/>'s phone after what it was handed before.</summary>
    public void Post(IPrimaryDevice phone, SandboxAccount account, Node stanza)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(account);
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            var before = _tails.GetValueOrDefault(account.Phone) ?? Task.CompletedTask;
            var next = Task.Run(() => ReceiveAfterAsync(before, phone, account, stanza));
            _tails[account.Phone] = next;
            _ = next.ContinueWith(done => Forget(account.Phone, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Waits until every phone has taken what it was handed so far (tests and bench drivers read the phones after it).</summary>
    public Task IdleAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_tails.Values.ToArray());
        }
    }

    /// <summary>Stops taking messages, cancels what the phones are doing and waits (at most <see cref="DrainLimit"/>) for them to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        Task pending;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            pending = Task.WhenAll(_tails.Values.ToArray());
        }

        try
        {
            await pending.WaitAsync(DrainLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(DrainLimit.TotalSeconds);
        }
    }

    private async Task ReceiveAfterAsync(Task before, IPrimaryDevice phone, SandboxAccount account, Node stanza)
    {
        // The tasks of this chain never fault (each catches its own failure), so awaiting the one before only orders.
        await before.ConfigureAwait(false);
        try
        {
            await phone.ReceiveAsync(account, stanza, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The sandbox is stopping.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(account.Phone, stanza.Tag, stanza.Attr("id") ?? "", ex.Message);
        }
    }

    private void Forget(string phone, Task done)
    {
        lock (_gate)
        {
            if (_tails.TryGetValue(phone, out var tail) && ReferenceEquals(tail, done))
            {
                _tails.Remove(phone);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Virtual phone {Phone} failed to take <{Tag}> {Id}: {Reason}")]
    private partial void LogFailed(string phone, string tag, string id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Virtual phones still busy {Seconds} s after the sandbox began to stop; left behind")]
    private partial void LogDrainTimedOut(double seconds);
}
