using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Receipts;

/// <summary>The key material a retry receipt carries so the sender can start a new session with us.</summary>
/// <param name="IdentityPublic">Our identity public key (32 bytes).</param>
/// <param name="PreKey">A fresh one-time prekey (stored before the receipt is sent).</param>
/// <param name="SignedPreKey">Our current signed prekey.</param>
/// <param name="DeviceIdentity">Our account-signed device identity, or null.</param>
public sealed record RetryKeys(byte[] IdentityPublic, PreKeyRecord PreKey, SignedPreKeyRecord SignedPreKey, byte[]? DeviceIdentity);
