using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>The group half of a <see cref="SendPlan"/>: our sender key and who must receive it first.</summary>
/// <param name="GroupJid">The group.</param>
/// <param name="LidAddressing">The group's addressing mode: LID (<c>addressing_mode="lid"</c>) or phone number.</param>
/// <param name="OwnName">Our sender key's name: the group and our device's address in the group's namespace.</param>
/// <param name="RotateKey">A participant left since our key was shared: replace the key and share the new one with everyone.</param>
/// <param name="AllDevices">Every participant device the message is for (ours but the sending one included).</param>
internal sealed record GroupSendPlan(string GroupJid, bool LidAddressing, SenderKeyName OwnName, bool RotateKey, IReadOnlyList<string> AllDevices);
