namespace WaEngine.Engine.Messaging;

/// <summary>
/// Where a message stands. Outbound messages walk <see cref="Queued"/> → <see cref="Sending"/> → <see cref="Sent"/> →
/// <see cref="ServerAck"/> → <see cref="DeliveryAck"/> → <see cref="Read"/>, or end in <see cref="Failed"/>; inbound
/// messages are <see cref="Received"/>. The numeric order is the order of progress: a status never moves backwards.
/// </summary>
public enum MessageStatus
{
    /// <summary>Stored, waiting for the line to send it (also while the line is not connected).</summary>
    Queued = 0,

    /// <summary>Being encrypted and written to the socket.</summary>
    Sending = 1,

    /// <summary>Written to the socket; the server has not acknowledged it yet.</summary>
    Sent = 2,

    /// <summary>The server acknowledged it.</summary>
    ServerAck = 3,

    /// <summary>A device of the recipient received it.</summary>
    DeliveryAck = 4,

    /// <summary>The recipient read it.</summary>
    Read = 5,

    /// <summary>It will not be delivered: an error ack from the server, expiry in the queue, or a permanent encryption error.</summary>
    Failed = 6,

    /// <summary>An inbound message, stored.</summary>
    Received = 7,
}
