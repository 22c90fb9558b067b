namespace WaEngine.Engine.Pairing;

/// <summary>The Signal keys a new device registers in its first (registration) ClientPayload.</summary>
/// <param name="RegistrationId">Signal registration id (sent as 4 bytes big-endian).</param>
/// <param name="IdentityPublicKey">Identity public key, 32 raw bytes.</param>
/// <param name="SignedPreKeyId">Signed pre-key id (sent as 3 bytes big-endian, so below 2^24).</param>
/// <param name="SignedPreKeyPublic">Signed pre-key public key, 32 raw bytes.</param>
/// <param name="SignedPreKeySignature">XEdDSA signature by the identity key over 0x05 || signed pre-key public (64 bytes).</param>
internal sealed record ClientPayloadRegistration(
    uint RegistrationId,
    byte[] IdentityPublicKey,
    uint SignedPreKeyId,
    byte[] SignedPreKeyPublic,
    byte[] SignedPreKeySignature);
