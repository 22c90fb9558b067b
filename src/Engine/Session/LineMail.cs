using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Session;

/// <summary>What the actor's mailbox carries: commands from callers and events from its connection, timers and flows.</summary>
internal abstract record LineMail
{
    /// <summary>Fails whoever waits on this message (the actor shut down before handling it).</summary>
    public virtual void Fail(Exception reason)
    {
    }

    public sealed record Start(TaskCompletionSource Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Stop(TaskCompletionSource Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Restart(TaskCompletionSource Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Logout(TaskCompletionSource Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record RequestPairingCode(string Phone, TaskCompletionSource<string> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Shutdown : LineMail;

    public sealed record Connected(int Generation, LineConnection Connection) : LineMail;

    public sealed record ConnectFailed(int Generation, Exception Error) : LineMail;

    public sealed record Received(int Generation, Node Node) : LineMail;

    public sealed record Closed(int Generation, Exception? Error) : LineMail;

    public sealed record KeepaliveTick(int Generation) : LineMail;

    public sealed record QrExpired(int Generation, int Sequence) : LineMail;

    public sealed record ReconnectDue(int Generation) : LineMail;

    public sealed record PairingHelloAnswered(int Generation, string Phone, string Code, Exception? Error, TaskCompletionSource<string> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record PreparePreKeyUpload(int Generation, TaskCompletionSource<Node> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record LogoutAnswered(int Generation, TaskCompletionSource Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record QueueSend(string ToJid, Proto.Message Content, TaskCompletionSource<MessageRecord> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record MarkRead(string ChatJid, IReadOnlyList<string> MessageIds, TaskCompletionSource Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record EncryptAndSend(int Generation, OutboundEntry Entry, SendPlan Plan, TaskCompletionSource<bool> Done) : LineMail
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record RetryReady(int Generation, RetryRequest Request, PreKeyBundle? Bundle) : LineMail;

    public sealed record SendQueueIdle(int Generation) : LineMail;

    public sealed record SweepSendQueue : LineMail;

    public sealed record SweepFinished(int Remaining) : LineMail;

    /// <summary>The steps after a login (prekeys published, passive mode left) are done, or gave up.</summary>
    public sealed record LoginSettled(int Generation) : LineMail;
}
