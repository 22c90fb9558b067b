using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Signal;

/// <summary>Our sender key distribution message for a group, and the (possibly new) sender-key state to commit.</summary>
/// <param name="Message">The SKDM bytes (<c>0x33 || protobuf</c>) to send pairwise-encrypted to each group device.</param>
/// <param name="Changes">The state to commit.</param>
internal sealed record SenderKeyDistribution(byte[] Message, SignalStateChange Changes);
