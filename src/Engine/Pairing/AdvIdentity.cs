using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// The account/device identity ("ADV") exchange that ends pairing, for both ends:
/// the primary phone signs the companion's identity key with the account key and HMACs the result with the ADV secret
/// (<c>pair-success</c>); the companion checks both, counter-signs with its own identity key and answers
/// (<c>pair-device-sign</c>), leaving the account key out.
/// </summary>
internal static class AdvIdentity
{
    private static readonly byte[] AccountPrefix = [6, 0];
    private static readonly byte[] HostedAccountPrefix = [6, 5];
    private static readonly byte[] DevicePrefix = [6, 1];

    /// <summary>
    /// Primary side: the <c>device-identity</c> payload of <c>pair-success</c> for a companion whose identity key is
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
            AccountSignature = ByteString.CopyFrom(Curve25519.Sign(account.PrivateKey, Concat(AccountPrefix, details, companionIdentityPublic))),
        }.ToByteArray();
        return new ADVSignedDeviceIdentityHMAC
        {
            Details = ByteString.CopyFrom(signed),
            Hmac = ByteString.CopyFrom(HMACSHA256.HashData(advSecret, signed)),
            AccountType = ADVEncryptionType.E2Ee,
        }.ToByteArray();
    }

    /// <summary>
    /// Companion side: checks the HMAC (keyed by our ADV secret) and the account's signature over our identity key,
    /// then returns what we keep (the signed identity with the account key) and what we answer (our counter-signed
    /// identity without the account key). Throws <see cref="PairingException"/> naming the check that failed.
    /// </summary>
    public static (ADVSignedDeviceIdentity Account, ADVDeviceIdentity Details, byte[] Reply) VerifyAndCounterSign(
        ReadOnlySpan<byte> pairSuccessIdentity, ReadOnlySpan<byte> advSecret, KeyPair ownIdentity)
    {
        ADVSignedDeviceIdentityHMAC container;
        ADVSignedDeviceIdentity signed;
        ADVDeviceIdentity details;
        try
        {
            container = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(pairSuccessIdentity);
            signed = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
            details = ADVDeviceIdentity.Parser.ParseFrom(signed.Details);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new PairingException("The pair-success device identity is not a valid ADV protobuf.", ex);
        }

        var hosted = container.AccountType == ADVEncryptionType.Hosted;
        var macInput = hosted ? Concat(HostedAccountPrefix, container.Details.Span, []) : container.Details.ToByteArray();
        var expected = HMACSHA256.HashData(advSecret, macInput);
        if (container.Hmac.Length != expected.Length || !CryptographicOperations.FixedTimeEquals(expected, container.Hmac.Span))
        {
            throw new PairingException("The pair-success HMAC does not match our ADV secret (hmac-mismatch): refused.");
        }

        var accountPrefix = details.DeviceType == ADVEncryptionType.Hosted ? HostedAccountPrefix : AccountPrefix;
        if (signed.AccountSignatureKey.Length != 32
            || !Curve25519.Verify(signed.AccountSignatureKey.Span, Concat(accountPrefix, signed.Details.Span, ownIdentity.PublicKey), signed.AccountSignature.Span))
        {
            throw new PairingException("The account signature over our identity key does not verify (signature-mismatch): refused.");
        }

        var deviceSignature = Curve25519.Sign(ownIdentity.PrivateKey, Concat(DevicePrefix, signed.Details.Span, [.. ownIdentity.PublicKey, .. signed.AccountSignatureKey.Span]));
        var kept = signed.Clone();
        kept.DeviceSignature = ByteString.CopyFrom(deviceSignature);
        var reply = kept.Clone();
        reply.ClearAccountSignatureKey();
        return (kept, details, reply.ToByteArray());
    }

    /// <summary>Primary side: checks the companion's counter-signature in its <c>pair-device-sign</c> answer.</summary>
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

        if (!Curve25519.Verify(companionIdentityPublic, Concat(DevicePrefix, signed.Details.Span, [.. companionIdentityPublic, .. accountPublic]), signed.DeviceSignature.Span))
        {
            throw new PairingException("The companion's device signature does not verify.");
        }

        return ADVDeviceIdentity.Parser.ParseFrom(signed.Details);
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var result = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        c.CopyTo(result.AsSpan(a.Length + b.Length));
        return result;
    }
}
