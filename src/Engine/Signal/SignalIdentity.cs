using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Signal;

/// <summary>Our long-term Signal identity: the identity key pair and the 14-bit registration id.</summary>
/// <param name="KeyPair">The Curve25519 identity key pair.</param>
/// <param name="RegistrationId">The registration id (1 to 16380).</param>
public sealed record SignalIdentity(KeyPair KeyPair, uint RegistrationId);
