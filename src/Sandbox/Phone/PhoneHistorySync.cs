using System.IO.Compression;
using Google.Protobuf;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// The history sync a phone sends a newly linked companion, limited to what the sandbox models: an
/// <c>INITIAL_BOOTSTRAP</c> chunk inline in the notification (<c>initialHistBootstrapInlinePayload</c>, zlib) carrying the
/// account's NCT salt, which a companion needs for its cstoken (SERVER-RULES R2; W:message.go DownloadHistorySync stores
/// <c>HistorySync.nctSalt</c>, B:history.js reads inline payloads). Sent once, after the companion's first prekey upload.
/// </summary>
public sealed partial class VirtualPhones
{
    /// <inheritdoc />
    public async Task CompanionReadyAsync(SandboxAccount account, int deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        // A LID-migrated account's phone says when its chats moved (GlobalSettings.chatDbLidMigrationTimestamp, which
        // whatsmeow keeps as the account's LID migration time).
        var migratedAt = _accounts.LidMigratedAt(account);
        await SendPeerAsync(account, deviceId, HistoryBootstrap(_network.PrivacyTokens.SaltOf(account.Phone), migratedAt), cancellationToken).ConfigureAwait(false);
        LogHistoryBootstrap(account.Phone, deviceId);
    }

    /// <summary>The peer message with the inline bootstrap chunk that carries <paramref name="nctSalt"/> (and the LID migration time).</summary>
    /// <param name="nctSalt">The account's NCT salt.</param>
    /// <param name="lidMigratedAt">When the account's chats moved to LIDs, if they did.</param>
    public static Message HistoryBootstrap(byte[] nctSalt, DateTimeOffset? lidMigratedAt = null)
    {
        var history = new HistorySync { SyncType = HistorySync.Types.HistorySyncType.InitialBootstrap, ChunkOrder = 1, Progress = 100, NctSalt = ByteString.CopyFrom(nctSalt) };
        if (lidMigratedAt is { } at)
        {
            history.GlobalSettings = new GlobalSettings { ChatDbLidMigrationTimestamp = at.ToUnixTimeSeconds() };
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            history.WriteTo(zlib);
        }

        return new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage
            {
                Type = Message.Types.ProtocolMessage.Types.Type.HistorySyncNotification,
                HistorySyncNotification = new Message.Types.HistorySyncNotification
                {
                    SyncType = Message.Types.HistorySyncType.InitialBootstrap,
                    ChunkOrder = 1,
                    Progress = 100,
                    InitialHistBootstrapInlinePayload = ByteString.CopyFrom(compressed.ToArray()),
                },
            },
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} sent its companion {Device} the history bootstrap with the NCT salt")]
    private partial void LogHistoryBootstrap(string phone, int device);
}
