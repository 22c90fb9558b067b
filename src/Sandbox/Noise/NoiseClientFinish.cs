namespace WaEngine.Sandbox.Noise;

/// <summary>What a server learns from a client's ClientFinish.</summary>
/// <param name="ClientStaticKey">The client's long-term noise public key (32 bytes), which identifies a paired device.</param>
/// <param name="Payload">The decrypted ClientPayload bytes (registration or login).</param>
internal sealed record NoiseClientFinish(byte[] ClientStaticKey, byte[] Payload);
