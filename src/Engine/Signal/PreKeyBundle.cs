namespace WaEngine.Engine.Signal;

/// <summary>
/// What a peer publishes so others can start a session with it (the <c>&lt;user&gt;</c> of a prekey fetch).
/// Public keys are the 32-byte raw form WhatsApp sends outside Signal messages.
/// </summary>
/// <param name="RegistrationId">The peer's registration id.</param>
/// <param name="DeviceId">The peer's device id.</param>
/// <param name="IdentityKey">The peer's identity public key.</param>
/// <param name="SignedPreKeyId">The signed prekey id.</param>
/// <param name="SignedPreKey">The signed prekey public key.</param>
/// <param name="SignedPreKeySignature">The identity key's signature over <c>0x05 || SignedPreKey</c>.</param>
/// <param name="PreKeyId">The one-time prekey id, when the server still had one.</param>
/// <param name="PreKey">The one-time prekey public key, when present.</param>
public sealed record PreKeyBundle(
    uint RegistrationId,
    uint DeviceId,
    byte[] IdentityKey,
    uint SignedPreKeyId,
    byte[] SignedPreKey,
    byte[] SignedPreKeySignature,
    uint? PreKeyId = null,
    byte[]? PreKey = null);
