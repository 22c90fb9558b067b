using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Messaging.Polls;

/// <summary>
/// The encryption of a poll vote under the poll's message secret (<c>messageContextInfo.messageSecret</c>), as WhatsApp
/// clients do it (Baileys <c>decryptPollVote</c>, whatsmeow <c>msgsecret.go</c>): key = HKDF-SHA256(secret, no salt,
/// info = poll id ‖ creator JID ‖ voter JID ‖ "Poll Vote", 32 bytes); AES-256-GCM with a 12-byte IV and the associated
/// data poll id ‖ NUL ‖ voter JID. JIDs are bare (no device). The plaintext is a <c>PollVoteMessage</c>.
/// </summary>
public static class PollVoteCipher
{
    /// <summary>Length of the GCM IV a vote carries (<c>encIv</c>).</summary>
    public const int IvLength = 12;

    private const string UseCase = "Poll Vote";

    /// <summary>Encrypts <paramref name="plaintext"/> (a serialized PollVoteMessage) with <paramref name="iv"/>; returns ciphertext ‖ tag.</summary>
    public static byte[] Encrypt(byte[] secret, string pollMsgId, string creatorJid, string voterJid, ReadOnlySpan<byte> iv, byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var key = KeyOf(secret, pollMsgId, creatorJid, voterJid);
        try
        {
            return AesGcmCipher.Encrypt(key, iv, plaintext, AssociatedData(pollMsgId, voterJid));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Decrypts a vote's <c>encPayload</c>; throws <see cref="CryptoException"/> when the key (secret or JIDs) is not the one it was made with.</summary>
    public static byte[] Decrypt(byte[] secret, string pollMsgId, string creatorJid, string voterJid, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> payload)
    {
        if (iv.Length != IvLength)
        {
            throw new CryptoException($"A poll vote's IV has length {iv.Length} (expected {IvLength}).");
        }

        var key = KeyOf(secret, pollMsgId, creatorJid, voterJid);
        try
        {
            return AesGcmCipher.Decrypt(key, iv, payload, AssociatedData(pollMsgId, voterJid));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The SHA-256 of an option's name, as a vote names the options it selects.</summary>
    public static byte[] OptionHash(string optionName) => SHA256.HashData(Encoding.UTF8.GetBytes(optionName ?? ""));

    private static byte[] KeyOf(byte[] secret, string pollMsgId, string creatorJid, string voterJid)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length == 0)
        {
            throw new CryptoException($"Poll '{pollMsgId}' has an empty message secret.");
        }

        return Hkdf.DeriveSha256(secret, [], Encoding.UTF8.GetBytes(pollMsgId + creatorJid + voterJid + UseCase), 32);
    }

    private static byte[] AssociatedData(string pollMsgId, string voterJid) => Encoding.UTF8.GetBytes(pollMsgId + "\0" + voterJid);
}
