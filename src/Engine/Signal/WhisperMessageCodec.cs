using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>
/// The framing of WhisperMessage (<c>0x33 || protobuf || MAC8</c>) and PreKeyWhisperMessage (<c>0x33 || protobuf</c>).
/// The MAC is HMAC-SHA256(macKey, senderIdentity33 || receiverIdentity33 || 0x33 || protobuf), first 8 bytes.
/// </summary>
internal static class WhisperMessageCodec
{
    public static byte[] EncodeWhisper(
        SignalWhisperMessage message, ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> senderIdentity33, ReadOnlySpan<byte> receiverIdentity33)
    {
        var body = message.ToByteArray();
        var result = new byte[1 + body.Length + SignalLimits.MacLength];
        result[0] = SignalLimits.VersionByte;
        body.CopyTo(result, 1);
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(macKey, senderIdentity33, receiverIdentity33, result.AsSpan(0, 1 + body.Length), mac);
        mac[..SignalLimits.MacLength].CopyTo(result.AsSpan(1 + body.Length));
        return result;
    }

    public static byte[] EncodePreKey(SignalPreKeyWhisperMessage message)
    {
        var body = message.ToByteArray();
        var result = new byte[1 + body.Length];
        result[0] = SignalLimits.VersionByte;
        body.CopyTo(result, 1);
        return result;
    }

    /// <summary>Parses a WhisperMessage and checks its version and required fields; the MAC is checked later with the key.</summary>
    public static SignalWhisperMessage ParseWhisper(ReadOnlySpan<byte> data, SignalAddress address)
    {
        if (data.Length < 1 + SignalLimits.MacLength + 1)
        {
            throw Invalid($"WhisperMessage from {address} has length {data.Length} (at least {SignalLimits.MacLength + 2} expected).", address);
        }

        CheckVersion(data[0], "WhisperMessage", address);
        var message = Parse(SignalWhisperMessage.Parser, data[1..^SignalLimits.MacLength], "WhisperMessage", address);
        if (!message.HasCounter || !message.HasCiphertext || !IsSignalKey(message.EphemeralKey))
        {
            throw Invalid($"WhisperMessage from {address} lacks its counter, ciphertext or a 33-byte ratchet key.", address);
        }

        return message;
    }

    /// <summary>Parses a PreKeyWhisperMessage and checks its version and required fields.</summary>
    public static SignalPreKeyWhisperMessage ParsePreKey(ReadOnlySpan<byte> data, SignalAddress address)
    {
        if (data.Length < 2)
        {
            throw Invalid($"PreKeyWhisperMessage from {address} has length {data.Length} (at least 2 expected).", address);
        }

        CheckVersion(data[0], "PreKeyWhisperMessage", address);
        var message = Parse(SignalPreKeyWhisperMessage.Parser, data[1..], "PreKeyWhisperMessage", address);
        if (!IsSignalKey(message.BaseKey) || !IsSignalKey(message.IdentityKey) || !message.HasMessage || !message.HasSignedPreKeyId)
        {
            throw Invalid(
                $"PreKeyWhisperMessage from {address} lacks a 33-byte base or identity key, the inner message or the signed prekey id.",
                address);
        }

        return message;
    }

    /// <summary>Checks the 8-byte MAC at the end of <paramref name="data"/> in constant time.</summary>
    public static bool MacMatches(
        ReadOnlySpan<byte> data, ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> senderIdentity33, ReadOnlySpan<byte> receiverIdentity33)
    {
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(macKey, senderIdentity33, receiverIdentity33, data[..^SignalLimits.MacLength], mac);
        return CryptographicOperations.FixedTimeEquals(mac[..SignalLimits.MacLength], data[^SignalLimits.MacLength..]);
    }

    public static bool IsSignalKey(ByteString key) => key.Length == 33 && key[0] == Crypto.SignalKey.DjbType;

    public static void CheckVersion(byte version, string what, SignalAddress? address)
    {
        if (version >> 4 != 3)
        {
            throw Invalid($"{what}{From(address)} has version byte 0x{version:x2} (expected 0x33).", address);
        }
    }

    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> body, string what, SignalAddress? address)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new SignalException(SignalErrorKind.InvalidMessage, $"{what}{From(address)} is not a valid protobuf: {ex.Message}", ex, address);
        }
    }

    private static void ComputeMac(
        ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> senderIdentity33, ReadOnlySpan<byte> receiverIdentity33, ReadOnlySpan<byte> versionAndBody, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, macKey);
        hmac.AppendData(senderIdentity33);
        hmac.AppendData(receiverIdentity33);
        hmac.AppendData(versionAndBody);
        hmac.GetHashAndReset(mac);
    }

    private static string From(SignalAddress? address) => address is null ? string.Empty : $" from {address}";

    private static SignalException Invalid(string message, SignalAddress? address) => new(SignalErrorKind.InvalidMessage, message, address);
}
