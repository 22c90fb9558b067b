namespace WaEngine.Sandbox.Protocol;

/// <summary>A companion that opened a registration connection and shows QR codes for its refs, waiting to be scanned.</summary>
/// <param name="Connection">Its connection.</param>
/// <param name="Refs">The refs sent in <c>pair-device</c>; any of them may be scanned.</param>
/// <param name="NoiseKey">The companion's Noise static key (from the handshake).</param>
/// <param name="IdentityKey">The companion's Signal identity key (from its registration payload).</param>
/// <param name="Platform">What the companion calls itself (shown in "linked devices").</param>
internal sealed record PendingPairing(ServerConnection Connection, IReadOnlyList<string> Refs, byte[] NoiseKey, byte[] IdentityKey, string Platform);
