using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Media.Retry;

/// <summary>
/// The media retry's encryption (Baileys <c>encryptMediaRetryRequest</c> / <c>decryptMediaRetryData</c>, whatsmeow
/// mediaretry.go): a key of 32 bytes expanded from the media key with HKDF-SHA256 and the info
/// "WhatsApp Media Retry Notification", AES-256-GCM with a random 12-byte IV, the message id as associated data. The
/// request carries a <see cref="ServerErrorReceipt"/>; the phone answers with a <see cref="MediaRetryNotification"/>.
/// </summary>
public static class MediaRetryCipher
{
    /// <summary>Length of the GCM IV the references use.</summary>
    public const int IvLength = 12;

    private const string Info = "WhatsApp Media Retry Notification";

    /// <summary>The retry key of <paramref name="mediaKey"/>.</summary>
    /// <exception cref="CryptoException">The media key is not 32 bytes.</exception>
    public static byte[] KeyOf(ReadOnlySpan<byte> mediaKey) => mediaKey.Length == MediaKeys.MediaKeyLength
        ? Hkdf.DeriveSha256(mediaKey, [], Info, 32)
        : throw new CryptoException($"A media key has {MediaKeys.MediaKeyLength} bytes, not {mediaKey.Length}.");

    /// <summary>The request's encrypted <see cref="ServerErrorReceipt"/> for message <paramref name="msgId"/> and its IV.</summary>
    public static (byte[] Ciphertext, byte[] Iv) EncryptRequest(ReadOnlySpan<byte> mediaKey, string msgId, byte[]? iv = null)
    {
        ArgumentNullException.ThrowIfNull(msgId);
        var plain = new ServerErrorReceipt { StanzaId = msgId }.ToByteArray();
        return Seal(mediaKey, msgId, plain, iv);
    }

    /// <summary>The phone's answer for message <paramref name="msgId"/>, encrypted, and its IV.</summary>
    public static (byte[] Ciphertext, byte[] Iv) EncryptAnswer(ReadOnlySpan<byte> mediaKey, string msgId, MediaRetryNotification answer, byte[]? iv = null)
    {
        ArgumentNullException.ThrowIfNull(msgId);
        ArgumentNullException.ThrowIfNull(answer);
        return Seal(mediaKey, msgId, answer.ToByteArray(), iv);
    }

    /// <summary>Decrypts a request; null when it does not decrypt or does not name <paramref name="msgId"/>.</summary>
    public static ServerErrorReceipt? DecryptRequest(ReadOnlySpan<byte> mediaKey, string msgId, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> iv)
    {
        var plain = Open(mediaKey, msgId, ciphertext, iv);
        if (plain is null)
        {
            return null;
        }

        try
        {
            var request = ServerErrorReceipt.Parser.ParseFrom(plain);
            return request.StanzaId == msgId ? request : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>Decrypts the phone's answer.</summary>
    /// <exception cref="MediaException"><see cref="MediaErrorCodes.RetryUnreadable"/> when it does not decrypt or parse.</exception>
    public static MediaRetryNotification DecryptAnswer(ReadOnlySpan<byte> mediaKey, string msgId, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> iv)
    {
        var plain = Open(mediaKey, msgId, ciphertext, iv)
            ?? throw new MediaException(MediaErrorCodes.RetryUnreadable, $"The phone's media retry answer for message '{msgId}' does not decrypt with the message's media key.");
        try
        {
            return MediaRetryNotification.Parser.ParseFrom(plain);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new MediaException(MediaErrorCodes.RetryUnreadable, $"The phone's media retry answer for message '{msgId}' decrypts but does not parse: {ex.Message}", ex);
        }
    }

    private static (byte[], byte[]) Seal(ReadOnlySpan<byte> mediaKey, string msgId, byte[] plain, byte[]? iv)
    {
        iv ??= RandomNumberGenerator.GetBytes(IvLength);
        if (iv.Length != IvLength)
        {
            throw new CryptoException($"A media retry IV has {IvLength} bytes, not {iv.Length}.");
        }

        return (AesGcmCipher.Encrypt(KeyOf(mediaKey), iv, plain, Encoding.UTF8.GetBytes(msgId)), iv);
    }

    private static byte[]? Open(ReadOnlySpan<byte> mediaKey, string msgId, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(msgId);
        if (iv.Length != IvLength)
        {
            return null;
        }

        try
        {
            return AesGcmCipher.Decrypt(KeyOf(mediaKey), iv, ciphertext, Encoding.UTF8.GetBytes(msgId));
        }
        catch (CryptoException)
        {
            return null;
        }
    }
}
