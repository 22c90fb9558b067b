using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Signal;

/// <summary>A plaintext and the state its decryption advanced; commit <see cref="Changes"/> together with the message handoff.</summary>
/// <param name="Plaintext">The decrypted bytes (still WhatsApp-padded).</param>
/// <param name="Changes">The advanced state and consumed prekey to commit.</param>
internal sealed record SignalDecryptResult(byte[] Plaintext, SignalStateChange Changes);
