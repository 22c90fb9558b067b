using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Session;

/// <summary>What the actor's mailbox carries: commands from callers and events from its connection, timers and flows.</summary>
internal abstract record SessionMessage
{
    /// <summary>Fails whoever waits on this message (the actor shut down before handling it).</summary>
    public virtual void Fail(Exception reason)
    {
    }

    public sealed record Start(TaskCompletionSource Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Stop(TaskCompletionSource Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Restart(TaskCompletionSource Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Logout(TaskCompletionSource Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record RequestPairingCode(string Phone, TaskCompletionSource<string> Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record Shutdown : SessionMessage;

    public sealed record Connected(int Generation, SessionConnection Connection) : SessionMessage;

    public sealed record ConnectFailed(int Generation, Exception Error) : SessionMessage;

    public sealed record Received(int Generation, Node Node) : SessionMessage;

    public sealed record Closed(int Generation, Exception? Error) : SessionMessage;

    public sealed record KeepaliveTick(int Generation) : SessionMessage;

    public sealed record QrExpired(int Generation, int Sequence) : SessionMessage;

    public sealed record ReconnectDue(int Generation) : SessionMessage;

    public sealed record PairingHelloAnswered(int Generation, string Phone, string Code, Exception? Error, TaskCompletionSource<string> Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record PreparePreKeyUpload(int Generation, TaskCompletionSource<Node> Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record LogoutAnswered(int Generation, TaskCompletionSource Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record QueueSend(string ToJid, Proto.Message Content, TaskCompletionSource<MessageRecord> Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record MarkRead(string ChatJid, IReadOnlyList<string> MessageIds, TaskCompletionSource Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record EncryptAndSend(int Generation, OutboundEntry Entry, SendPlan Plan, TaskCompletionSource<bool> Done) : SessionMessage
    {
        public override void Fail(Exception reason) => Done.TrySetException(reason);
    }

    public sealed record RetryReady(int Generation, RetryRequest Request, PreKeyBundle? Bundle) : SessionMessage;

    public sealed record SendQueueIdle(int Generation) : SessionMessage;

    public sealed record SweepSendQueue : SessionMessage;

    public sealed record SweepFinished(int Remaining) : SessionMessage;

    /// <summary>The steps after a login (prekeys published, passive mode left) are done, or gave up.</summary>
    public sealed record LoginSettled(int Generation) : SessionMessage;
}
