using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Storage;

/// <summary>
/// Everything a line needs to register or log in: the keys made when the line is created and, once paired, who it is.
/// Immutable; a change is a new record saved as a whole.
/// </summary>
/// <param name="NoiseKey">The static Noise key the server authenticates the device by.</param>
/// <param name="IdentityKey">The Signal identity key pair (also signed by the account at pairing).</param>
/// <param name="RegistrationId">The Signal registration id.</param>
/// <param name="SignedPreKey">The current signed prekey.</param>
/// <param name="AdvSecret">The 32-byte ADV secret keying the pair-success HMAC (replaced during phone-code pairing).</param>
/// <param name="NextPreKeyId">The id the next generated one-time prekey gets.</param>
/// <param name="Me">Own device JID (<c>phone:device@s.whatsapp.net</c>) once paired, else null.</param>
/// <param name="Lid">Own LID device JID once paired, else null.</param>
/// <param name="Platform">The primary's platform name from pair-success (android, iphone, …).</param>
/// <param name="AccountIdentity">The account-signed device identity (ADVSignedDeviceIdentity with the account key) from pairing.</param>
public sealed record DeviceCredentials(
    KeyPair NoiseKey,
    KeyPair IdentityKey,
    uint RegistrationId,
    SignedPreKeyRecord SignedPreKey,
    byte[] AdvSecret,
    uint NextPreKeyId,
    string? Me = null,
    string? Lid = null,
    string? Platform = null,
    byte[]? AccountIdentity = null)
{
    /// <summary>True once pair-success was verified and stored: the line logs in instead of registering.</summary>
    public bool IsPaired => Me is not null;

    /// <summary>The Signal identity (key pair and registration id) these credentials carry.</summary>
    public SignalIdentity SignalIdentity => new(IdentityKey, RegistrationId);

    /// <summary>Fresh, unpaired credentials: new noise and identity keys, registration id, signed prekey 1, ADV secret.</summary>
    /// <param name="generator">The key generator (its random source decides everything).</param>
    public static DeviceCredentials Create(SignalKeyGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var identity = generator.GenerateIdentity();
        return new DeviceCredentials(
            generator.GenerateKeyPair(),
            identity.KeyPair,
            identity.RegistrationId,
            generator.GenerateSignedPreKey(identity, 1),
            generator.RandomBytes(32),
            1);
    }
}
