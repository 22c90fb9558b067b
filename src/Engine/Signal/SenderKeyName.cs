namespace WaEngine.Engine.Signal;

/// <summary>Identifies one sender's sender-key chain in one group: (group JID, sender address).</summary>
/// <param name="GroupId">The group JID, e.g. <c>"123-456@g.us"</c>.</param>
/// <param name="Sender">The sending device's Signal address.</param>
public readonly record struct SenderKeyName(string GroupId, SignalAddress Sender)
{
    /// <summary>The storage key, <c>"group::name::device"</c> as Baileys serializes it.</summary>
    public override string ToString() => GroupId + "::" + Sender.Name + "::" + Sender.DeviceId;
}
