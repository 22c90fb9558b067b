using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Stanzas.Privacy;

/// <summary>
/// The cstoken fallback of the privacy-token lifecycle (SERVER-RULES R2): our phone hands its companions the account's
/// NCT salt in its history sync (<c>HistorySync.nctSalt</c>); a 1:1 message to a contact we hold no live trusted-contact
/// token for carries <c>&lt;cstoken&gt;</c> = HMAC-SHA256(salt, the contact's bare LID JID) instead, so a first message to
/// a stranger is taken without a 463 (W:cstoken.go generateCsToken, W:message.go DownloadHistorySync). Without a salt or
/// the contact's LID no cstoken is sent, as whatsmeow does.
/// </summary>
internal static partial class NctSalt
{
    /// <summary>The largest inflated history-sync payload read for its salt; a bigger one is refused, not buffered.</summary>
    public const int MaxInflatedBytes = 8 * 1024 * 1024;

    /// <summary>The cstoken for a message to <paramref name="contactKey"/> (a bare LID JID), or null when it is no LID.</summary>
    public static byte[]? CsToken(byte[] salt, string contactKey)
    {
        ArgumentNullException.ThrowIfNull(salt);
        return salt.Length > 0 && Jid.TryParse(contactKey, out var jid) && jid.Server == JidServers.Lid
            ? HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes((jid with { Device = null, Agent = null }).ToString()))
            : null;
    }

    /// <summary>
    /// Stores the salt a history-sync notification from our own phone carries inline. A notification whose payload is a
    /// media blob, or holds no salt, changes nothing; an unreadable payload is logged and dropped (the message is still receipted).
    /// </summary>
    public static async Task StoreFromAsync(Message.Types.HistorySyncNotification notification, IMessageStore messages, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(messages);
        if (notification.InitialHistBootstrapInlinePayload is not { Length: > 0 } payload)
        {
            LogNoInlinePayload(logger, notification.SyncType.ToString());
            return;
        }

        HistorySync history;
        try
        {
            history = HistorySync.Parser.ParseFrom(Inflate(payload.Span));
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidProtocolBufferException)
        {
            LogUnreadable(logger, ex.Message);
            return;
        }

        await Lids.LidMigrationSync.StoreFromAsync(history, messages, logger, cancellationToken).ConfigureAwait(false); // R1: the account's LID migration
        if (history.NctSalt is { Length: > 0 } salt)
        {
            await messages.SaveNctSaltAsync(salt.ToByteArray(), cancellationToken).ConfigureAwait(false);
            LogStored(logger, history.SyncType.ToString());
        }
    }

    private static byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (output.Length + read > MaxInflatedBytes)
            {
                throw new InvalidDataException($"the history-sync payload inflates past {MaxInflatedBytes} bytes");
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NCT salt stored from our phone's history sync ({SyncType}): first messages to strangers carry a cstoken")]
    private static partial void LogStored(ILogger logger, string syncType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "History sync ({SyncType}) has no inline payload; its blob is not downloaded")]
    private static partial void LogNoInlinePayload(ILogger logger, string syncType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History-sync payload from our phone is unreadable: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
