using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Stanzas.Lids;

/// <summary>
/// Our account's one-to-one LID migration, as our phone announces it (SERVER-RULES R1, the account side). WhatsApp keeps
/// an account's DMs on phone numbers until it migrates the account; a DM by LID before that is refused with ack 400
/// (whatsapp-rust #941/#943, after WhatsApp Web's <c>Lid1X1MigrationUtils.isLidMigrated</c>). Our phone says so with a
/// <c>LID_MIGRATION_MAPPING_SYNC</c> protocol message (its contacts' phone-number-to-LID pairs and
/// <c>chatDbMigrationTimestamp</c>; B:process-message.js stores the pairs, W:message.go storeLIDSyncMessage keeps the
/// time) and, to a newly linked companion, in its history sync (<c>globalSettings.chatDbLidMigrationTimestamp</c>,
/// W:message.go storeGlobalSettings). From then on the line writes DMs by LID once the peer's LID is known.
/// </summary>
internal static partial class LidMigrationSync
{
    /// <summary>
    /// Stores what our phone's mapping sync carries: each pair (the latest LID where one is given) and, when it names a
    /// migration time, that the account is migrated. A payload that does not parse is logged and dropped.
    /// </summary>
    public static async Task StoreFromAsync(Message.Types.LidMigrationMappingSyncMessage sync, IMessageStore messages, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(messages);
        LidMigrationMappingSyncPayload payload;
        try
        {
            payload = LidMigrationMappingSyncPayload.Parser.ParseFrom(sync.EncodedMappingPayload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            LogUnreadable(logger, ex.Message);
            return;
        }

        var stored = 0;
        foreach (var mapping in payload.PnToLidMappings)
        {
            var lid = mapping.LatestLid != 0 ? mapping.LatestLid : mapping.AssignedLid;
            if (mapping.Pn == 0 || lid == 0)
            {
                continue;
            }

            await messages.SaveLidMappingAsync(
                new Jid(lid.ToString(System.Globalization.CultureInfo.InvariantCulture), JidServers.Lid).ToString(),
                new Jid(mapping.Pn.ToString(System.Globalization.CultureInfo.InvariantCulture), JidServers.WhatsApp).ToString(),
                cancellationToken).ConfigureAwait(false);
            stored++;
        }

        if (payload.ChatDbMigrationTimestamp > 0)
        {
            await MigratedAsync(messages, (long)payload.ChatDbMigrationTimestamp, logger, cancellationToken).ConfigureAwait(false);
        }

        LogMappings(logger, stored);
    }

    /// <summary>Records the migration time a history-sync chunk from our phone names, if it names one.</summary>
    public static Task StoreFromAsync(HistorySync history, IMessageStore messages, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        return history.GlobalSettings is { ChatDbLidMigrationTimestamp: > 0 } settings
            ? MigratedAsync(messages, settings.ChatDbLidMigrationTimestamp, logger, cancellationToken)
            : Task.CompletedTask;
    }

    private static async Task MigratedAsync(IMessageStore messages, long unixSeconds, ILogger logger, CancellationToken cancellationToken)
    {
        if (await messages.GetLidMigratedAtAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await messages.SaveLidMigratedAtAsync(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), cancellationToken).ConfigureAwait(false);
            LogMigrated(logger, unixSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Our account's chats are LID-migrated (since {UnixSeconds}): DMs go by LID from now on")]
    private static partial void LogMigrated(ILogger logger, long unixSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Count} phone-number-to-LID pairs from our phone's LID migration sync")]
    private static partial void LogMappings(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Our phone's LID migration sync does not parse ({Reason}); dropped")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
