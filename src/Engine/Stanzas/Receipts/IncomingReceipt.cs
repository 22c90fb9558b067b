using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Receipts;

/// <summary>
/// A receipt the server forwards for messages we sent: delivered (no type), <c>read</c>, <c>read-self</c>,
/// <c>played</c>, <c>sender</c>, <c>inactive</c> or <c>retry</c> (the device could not decrypt and asks again).
/// </summary>
public sealed record IncomingReceipt
{
    /// <summary>The ids the receipt is for (the <c>id</c> attribute first, then the list items).</summary>
    public required IReadOnlyList<string> MessageIds { get; init; }

    /// <summary>Who sent the receipt: the device (or, for groups, the group).</summary>
    public required Jid From { get; init; }

    /// <summary>The device in a group, else null.</summary>
    public Jid? Participant { get; init; }

    /// <summary>The chat of a receipt from one of our own devices.</summary>
    public Jid? Recipient { get; init; }

    /// <summary>The receipt type; null means delivered.</summary>
    public string? Type { get; init; }

    /// <summary>For a retry: the device's retry count (1 for the first).</summary>
    public int RetryCount { get; init; }

    /// <summary>For a retry: the registration id the device has now.</summary>
    public uint? RegistrationId { get; init; }

    /// <summary>For a retry that carries keys: a bundle to start a new session with the device.</summary>
    public PreKeyBundle? Keys { get; init; }

    /// <summary>The original node (acks echo its attributes).</summary>
    public required Node Node { get; init; }

    /// <summary>The device that sent the receipt.</summary>
    public Jid Device => Participant ?? From;
}
