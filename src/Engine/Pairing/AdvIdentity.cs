using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// The companion's side of the account/device identity ("ADV") exchange that ends pairing:
/// the primary phone signs the companion's identity key with the account key and HMACs the result with the ADV secret
/// (<c>pair-success</c>); the companion checks both, counter-signs with its own identity key and answers
/// (<c>pair-device-sign</c>), leaving the account key out. The primary's side is the sandbox's
/// (<c>WaEngine.Sandbox.Pairing.PrimaryAdvIdentity</c>); the signature prefixes are shared with it.
/// </summary>
internal static class AdvIdentity
{
    /// <summary>Prefix of what the account key signs: the device details and the companion's identity key.</summary>
    internal static readonly byte[] AccountPrefix = [6, 0];

    private static readonly byte[] HostedAccountPrefix = [6, 5];

    /// <summary>Prefix of what the companion counter-signs: the device details, its identity key and the account key.</summary>
    internal static readonly byte[] DevicePrefix = [6, 1];

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

    /// <summary>The three parts one after the other (what a signature or HMAC covers).</summary>
    internal static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var result = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        c.CopyTo(result.AsSpan(a.Length + b.Length));
        return result;
    }
}
