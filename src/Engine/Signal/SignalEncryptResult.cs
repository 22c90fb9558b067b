using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Signal;

/// <summary>A ciphertext and the ratchet state that produced it; commit <see cref="Changes"/> before (or with) sending.</summary>
/// <param name="Type">pkmsg, msg or skmsg.</param>
/// <param name="Ciphertext">The bytes for the <c>&lt;enc&gt;</c> node.</param>
/// <param name="Changes">The advanced state to commit.</param>
public sealed record SignalEncryptResult(SignalMessageType Type, byte[] Ciphertext, SignalStateChange Changes);
