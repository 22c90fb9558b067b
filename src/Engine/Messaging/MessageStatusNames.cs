namespace WaEngine.Engine.Messaging;

/// <summary>The contract's names of <see cref="MessageStatus"/> (<c>queued</c>, <c>server_ack</c>, …) both ways.</summary>
public static class MessageStatusNames
{
    private static readonly string[] Names = ["queued", "sending", "sent", "server_ack", "delivery_ack", "read", "failed", "received"];

    /// <summary>The contract's name of <paramref name="status"/>.</summary>
    public static string ToName(this MessageStatus status) => Names[(int)status];

    /// <summary>Parses a contract name; false for anything else.</summary>
    public static bool TryParse(string? name, out MessageStatus status)
    {
        var index = Array.IndexOf(Names, name);
        status = index < 0 ? default : (MessageStatus)index;
        return index >= 0;
    }

    /// <summary>
    /// Whether an outbound message may move from <paramref name="from"/> to <paramref name="to"/>: forward only, and
    /// <see cref="MessageStatus.Failed"/> only before the server acknowledged it.
    /// </summary>
    public static bool CanAdvance(MessageStatus from, MessageStatus to) => (from, to) switch
    {
        (MessageStatus.Failed or MessageStatus.Received or MessageStatus.Read, _) => false,
        (_, MessageStatus.Failed) => from < MessageStatus.ServerAck,
        (_, MessageStatus.Received) => false,
        _ => to > from,
    };
}
