using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Stanzas.Receipts;

namespace WaEngine.Engine.Session;

/// <summary>
/// What a line's mailbox carries: commands from callers, events from its connection and timers, and the results of
/// background steps. Everything stamped with a generation is dropped when that generation is no longer current.
/// </summary>
internal abstract record LineMail
{
    /// <summary>Fails whoever waits on this mail (the actor shut down before handling it).</summary>
    public virtual void Fail(Exception reason)
    {
    }

    /// <summary>A command whose caller waits for it to finish.</summary>
    public abstract record Command(TaskCompletionSource Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);

        /// <summary>Runs <paramref name="action"/> and completes the caller's wait with its result or its exception.</summary>
        public Task RunAsync(Func<Task> action) => RunAsync(Done, action);

        /// <summary>Runs <paramref name="action"/> and completes <paramref name="done"/> with its result or its exception.</summary>
        public static async Task RunAsync(TaskCompletionSource done, Func<Task> action)
        {
            try
            {
                await action().ConfigureAwait(false);
                done.TrySetResult();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                done.TrySetException(ex);
            }
        }
    }

    public sealed record Start(TaskCompletionSource Done) : Command(Done);

    public sealed record Stop(TaskCompletionSource Done) : Command(Done);

    /// <summary>The owner will start the line soon (see <see cref="LineActor.ExpectStartAsync"/>).</summary>
    public sealed record ExpectStart(TaskCompletionSource Done) : Command(Done);

    public sealed record Restart(TaskCompletionSource Done) : Command(Done);

    public sealed record Logout(TaskCompletionSource Done) : Command(Done);

    /// <summary>Read receipts for <paramref name="MessageIds"/> of a chat (null: its unread messages); <paramref name="ReadSelf"/> when the account's read receipts are off.</summary>
    public sealed record MarkRead(string ChatJid, IReadOnlyList<string>? MessageIds, bool ReadSelf, TaskCompletionSource<int> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    /// <summary>A conversation step (presence, typing, subscriptions) run on the loop; its outcome is applied before the caller hears back.</summary>
    public sealed record Converse(Func<LineContext, Task<StanzaOutcome>> Step, TaskCompletionSource Done) : Command(Done);

    public sealed record RequestPairingCode(string Phone, TaskCompletionSource<string> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record QueueSend(string ToJid, Proto.Message Content, TaskCompletionSource<MessageRecord> Done, ReplyState? State = null, string? Prepare = null) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Shutdown : LineMail;

    /// <summary>Wakes the loop to look at the mailbox's urgent lane; carries nothing.</summary>
    public sealed record Wake : LineMail
    {
        public static readonly Wake Instance = new();
    }

    public sealed record Connected(int Generation, LineConnection Connection) : LineMail;

    public sealed record ConnectFailed(int Generation, Exception Error) : LineMail;

    public sealed record Received(int Generation, Node Node) : LineMail;

    public sealed record Closed(int Generation, Exception? Error) : LineMail;

    public sealed record KeepaliveTick(int Generation) : LineMail;

    public sealed record ReconnectDue(int Generation) : LineMail;

    /// <summary>WhatsApp Web's version was read after a 405 that refused <paramref name="Refused"/>.</summary>
    public sealed record VersionChecked(int Generation, Pairing.WaWebVersion Refused, Pairing.WaWebVersionRefresh Refresh) : LineMail;

    /// <summary>A temporary ban's end: time for the one attempt after it.</summary>
    public sealed record BanExpired(int Generation) : LineMail;

    public sealed record QrExpired(int Generation, int Sequence) : LineMail;

    public sealed record PairingHelloAnswered(int Generation, string Phone, string Code, Exception? Error, TaskCompletionSource<string> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    /// <summary>The server's prekey count, asked after a login (<paramref name="AfterLogin"/>) or on its notification.</summary>
    public sealed record PreKeyCountKnown(int Generation, int Count, bool AfterLogin) : LineMail;

    /// <summary>The steps after a login (prekeys published, passive mode left) are done, or gave up.</summary>
    public sealed record LoginSettled(int Generation) : LineMail;

    /// <summary>
    /// The server accepted the login but left a query after it unanswered: a connection that answers the handshake and
    /// ignores everything after it is not alive, so the line must not report connected on it.
    /// </summary>
    public sealed record LoginUnanswered(int Generation, string Detail) : LineMail;

    /// <summary>Time for the presence pulse (R17) on the connection of <paramref name="Generation"/>.</summary>
    public sealed record PresencePulseDue(int Generation) : LineMail;

    public sealed record LogoutAnswered(int Generation, TaskCompletionSource Done) : Command(Done);

    /// <summary>
    /// A queued message is planned (devices, bundles): encrypt and write it on the loop. Done says whether it was
    /// written. <paramref name="FlushAfter"/>: the pass waits after this one, so the <c>sent</c> statuses gathered so far
    /// are written now (one transaction for the batch).
    /// </summary>
    public sealed record PlanReady(int Generation, OutboundEntry Entry, SendPlan Plan, TaskCompletionSource<bool> Done, bool FlushAfter) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    /// <summary>A pass over the send queue ended; <paramref name="Failure"/> when it ended on an error (a full disk, say).</summary>
    public sealed record SendPassEnded(int Generation, Exception? Failure = null) : LineMail;

    /// <summary>Time to expire queued messages while the line cannot send.</summary>
    public sealed record SweepDue : LineMail;

    /// <summary>The sweep finished; <paramref name="Remaining"/> messages still wait.</summary>
    public sealed record SweepFinished(int Remaining) : LineMail;

    /// <summary>Our privacy token was issued after the server refused message <paramref name="MsgId"/> with 463: send it once more.</summary>
    public sealed record ResendAfterToken(int Generation, string MsgId) : LineMail;

    /// <summary>A retry receipt's resend is ready to encrypt (with a fresh bundle when the receipt carried no keys).</summary>
    public sealed record RetryReady(int Generation, RetryRequest Request, PreKeyBundle? Bundle) : LineMail;

    /// <summary>The session with our phone can be built (or exists): ask it for an unavailable message (R15).</summary>
    public sealed record PlaceholderResendReady(int Generation, Proto.MessageKey Key, PreKeyBundle? Bundle) : LineMail;
}
