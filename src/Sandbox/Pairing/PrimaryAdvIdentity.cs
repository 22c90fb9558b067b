using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Proto;

namespace WaEngine.Sandbox.Pairing;

/// <summary>
/// The primary phone's side of the account/device identity ("ADV") exchange that ends pairing: it signs the
/// companion's identity key with the account key and HMACs the result with the ADV secret (<c>pair-success</c>),
/// then checks the companion's counter-signature (<c>pair-device-sign</c>). The companion's side is the engine's
/// <see cref="AdvIdentity"/>, whose signature prefixes this uses.
/// </summary>
internal static class PrimaryAdvIdentity
{
    /// <summary>
    /// The <c>device-identity</c> payload of <c>pair-success</c> for a companion whose identity key is
    /// <paramref name="companionIdentityPublic"/>.
    /// </summary>
    public static byte[] CreatePairSuccess(KeyPair account, ReadOnlySpan<byte> companionIdentityPublic, ReadOnlySpan<byte> advSecret, uint keyIndex, DateTimeOffset now)
    {
        var details = new ADVDeviceIdentity
        {
            RawId = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue),
            Timestamp = (ulong)now.ToUnixTimeSeconds(),
            KeyIndex = keyIndex,
            AccountType = ADVEncryptionType.E2Ee,
            DeviceType = ADVEncryptionType.E2Ee,
        }.ToByteArray();
        var signed = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(details),
            AccountSignatureKey = ByteString.CopyFrom(account.PublicKey),
            AccountSignature = ByteString.CopyFrom(Curve25519.Sign(account.PrivateKey, AdvIdentity.Concat(AdvIdentity.AccountPrefix, details, companionIdentityPublic))),
        }.ToByteArray();
        return new ADVSignedDeviceIdentityHMAC
        {
            Details = ByteString.CopyFrom(signed),
            Hmac = ByteString.CopyFrom(HMACSHA256.HashData(advSecret, signed)),
            AccountType = ADVEncryptionType.E2Ee,
        }.ToByteArray();
    }

    /// <summary>Checks the companion's counter-signature in its <c>pair-device-sign</c> answer.</summary>
    /// <exception cref="PairingException">The answer is not an ADV protobuf, or its device signature does not verify.</exception>
    public static ADVDeviceIdentity VerifyDeviceSignature(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> accountPublic, ReadOnlySpan<byte> companionIdentityPublic)
    {
        ADVSignedDeviceIdentity signed;
        try
        {
            signed = ADVSignedDeviceIdentity.Parser.ParseFrom(reply);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new PairingException("The pair-device-sign identity is not a valid ADV protobuf.", ex);
        }

        if (!Curve25519.Verify(companionIdentityPublic, AdvIdentity.Concat(AdvIdentity.DevicePrefix, signed.Details.Span, [.. companionIdentityPublic, .. accountPublic]), signed.DeviceSignature.Span))
        {
            throw new PairingException("The companion's device signature does not verify.");
        }

        return ADVDeviceIdentity.Parser.ParseFrom(signed.Details);
    }
}
