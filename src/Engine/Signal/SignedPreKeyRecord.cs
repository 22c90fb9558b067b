using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Signal;

/// <summary>A signed prekey: id, key pair and the identity key's XEdDSA signature over <c>0x05 || public key</c>.</summary>
/// <param name="Id">The 24-bit id.</param>
/// <param name="KeyPair">The key pair.</param>
/// <param name="Signature">The 64-byte signature.</param>
public sealed record SignedPreKeyRecord(uint Id, KeyPair KeyPair, byte[] Signature);
