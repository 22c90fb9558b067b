using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Storage;
using WaEngine.Store.Signal;

namespace WaEngine.Store.Messages;

/// <summary>
/// A line's messages, chats, contacts, LID mappings, device lists and send queue in its SQLite database (migration
/// 0003). Each change to a message appends its <c>line_events</c> row in the same transaction. Writes that read before
/// they write take the database's write lock first (<c>BEGIN IMMEDIATE</c>), so concurrent status updates serialize.
/// </summary>
public sealed class SqliteMessageStore : IMessageStore
{
    /// <summary>The largest page any list query returns; larger limits are clamped to it.</summary>
    public const int MaxLimit = 1000;

    /// <summary>One message by id, our own first (tests read this and the other queries' plans).</summary>
    internal const string FindSql =
        $"SELECT {MessageRow.Columns} FROM messages m WHERE m.msg_id = @msgId ORDER BY m.from_me DESC, m.seq DESC LIMIT 1;";

    /// <summary>One message of a chat by id, our own first (its sender_key '' sorts first in the unique index).</summary>
    internal const string FindInChatSql =
        $"SELECT {MessageRow.Columns} FROM messages m WHERE m.chat_jid = @chatJid AND m.msg_id = @msgId ORDER BY m.sender_key LIMIT 1;";

    /// <summary>A chat's newest messages (index messages_by_chat_time).</summary>
    internal const string HistorySql =
        $"SELECT {MessageRow.Columns} FROM messages m WHERE m.chat_jid = @chatJid ORDER BY m.timestamp_ms DESC, m.seq DESC LIMIT @limit;";

    /// <summary>The newest messages of the line (index messages_by_time).</summary>
    internal const string RecentSql =
        $"SELECT {MessageRow.Columns} FROM messages m ORDER BY m.timestamp_ms DESC, m.seq DESC LIMIT @limit;";

    /// <summary>Chats by activity (index chats_by_activity).</summary>
    internal const string ListChatsSql = """
        SELECT jid AS Jid, name AS Name, is_group AS IsGroup, last_msg_at_ms AS LastMsgAtMs, unread AS Unread
        FROM chats ORDER BY last_msg_at_ms DESC, jid LIMIT @limit;
        """;

    /// <summary>The send queue joined with its messages, oldest first.</summary>
    internal const string PendingSql = $"""
        SELECT {MessageRow.Columns}, q.to_jid AS ToJid, q.expires_at_ms AS ExpiresAtMs, q.attempts AS Attempts
        FROM send_queue q JOIN messages m ON m.seq = q.queued_seq
        WHERE m.status IN (@queued, @sending)
        ORDER BY q.queued_seq;
        """;

    /// <summary>Our own message's current status (index messages_own_by_id).</summary>
    internal const string CurrentStatusSql = "SELECT seq AS Seq, chat_jid AS ChatJid, status AS Status FROM messages WHERE msg_id = @msgId AND from_me = 1;";

    /// <summary>How long a write waits for another connection's write lock before failing (SQLite's busy handler).</summary>
    private const int BusyTimeoutMs = 30_000;

    private const string InsertMessage = """
        INSERT INTO messages (msg_id, chat_jid, from_me, sender_key, sender_jid, sender_pn, sender_lid, type, body, content,
            target_msg_id, push_name, timestamp_ms, status, error, media_path, edited_at_ms, revoked, updated_at_ms)
        VALUES (@MsgId, @ChatJid, @FromMe, @SenderKey, @SenderJid, @SenderPn, @SenderLid, @Type, @Body, @Content,
            @TargetMsgId, @PushName, @TimestampMs, @Status, @Error, @MediaPath, @EditedAtMs, @Revoked, @UpdatedAtMs)
        ON CONFLICT DO NOTHING
        RETURNING seq;
        """;

    private const string UpsertChat = """
        INSERT INTO chats (jid, name, is_group, last_msg_at_ms, unread) VALUES (@jid, @name, @isGroup, @at, @unread)
        ON CONFLICT (jid) DO UPDATE SET
            name = COALESCE(excluded.name, chats.name),
            last_msg_at_ms = MAX(COALESCE(chats.last_msg_at_ms, excluded.last_msg_at_ms), excluded.last_msg_at_ms),
            unread = chats.unread + excluded.unread;
        """;

    private const string AppendEvent = """
        INSERT INTO line_events (event, chat_jid, msg_id, message_seq, status, detail, created_at_ms)
        VALUES (@event, @chat, @msgId, @seq, @status, @detail, @at);
        """;

    private readonly LineDatabase _database;
    private readonly TimeProvider _time;

    /// <summary>Creates the store over a line's (opened, migrated) database.</summary>
    /// <param name="database">The line's database.</param>
    /// <param name="time">The clock for row and journal times; the system clock when null.</param>
    public SqliteMessageStore(LineDatabase database, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<bool> SaveInboundAsync(ISignalStoreTransaction? transaction, MessageRecord message, CancellationToken cancellationToken)
    {
        ValidateMessage(message);
        if (transaction is SqliteSignalTransaction joint)
        {
            return await WriteInboundAsync(joint.Connection, joint.Transaction, message, cancellationToken).ConfigureAwait(false);
        }

        if (transaction is not null)
        {
            throw new ArgumentException(
                $"SaveInboundAsync can only join a {nameof(SqliteSignalTransaction)} of the same line; got {transaction.GetType().Name}.",
                nameof(transaction));
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var own = connection.BeginTransaction(deferred: false);
            await using (own.ConfigureAwait(false))
            {
                var stored = await WriteInboundAsync(connection, own, message, cancellationToken).ConfigureAwait(false);
                if (stored)
                {
                    await own.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return stored;
            }
        }
    }

    /// <inheritdoc />
    public async Task SaveOutboundAsync(MessageRecord message, string toJid, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ValidateMessage(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(toJid);
        if (!message.FromMe)
        {
            throw new ArgumentException($"Outbound message {message.MsgId} must have FromMe set.", nameof(message));
        }

        if (message.Status != MessageStatus.Queued)
        {
            throw new ArgumentException(
                $"Outbound message {message.MsgId} must be stored as {MessageStatus.Queued.ToName()}, not {message.Status.ToName()}.", nameof(message));
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var seq = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                    InsertMessage, MessageParameters(message, "", now), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)
                    ?? throw new InvalidOperationException(
                        $"Outbound message {message.MsgId} (chat {message.ChatJid}) is already stored: our own message ids must be unique.");
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO send_queue (msg_id, to_jid, queued_seq, expires_at_ms, attempts) VALUES (@id, @to, @seq, @expires, 0);",
                    new { id = message.MsgId, to = toJid, seq, expires = expiresAt.ToUnixTimeMilliseconds() },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    UpsertChat,
                    new { jid = message.ChatJid, name = (string?)null, isGroup = IsGroup(message.ChatJid), at = message.Timestamp.ToUnixTimeMilliseconds(), unread = 0L },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await JournalAsync(connection, transaction, "message.status", message.ChatJid, message.MsgId, seq, MessageStatus.Queued.ToName(), null, now, cancellationToken)
                    .ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboundEntry>> PendingOutboundAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var entries = await connection.QueryAsync<MessageRow, QueueRow, OutboundEntry>(
                new CommandDefinition(
                    PendingSql,
                    new { queued = (long)MessageStatus.Queued, sending = (long)MessageStatus.Sending },
                    cancellationToken: cancellationToken),
                (message, queue) => new OutboundEntry(
                    message.ToRecord(), queue.ToJid, DateTimeOffset.FromUnixTimeMilliseconds(queue.ExpiresAtMs), (int)queue.Attempts),
                splitOn: "ToJid").ConfigureAwait(false);
            return entries.AsList();
        }
    }

    /// <inheritdoc />
    public async Task MarkSendingAsync(string msgId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(msgId);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var counted = await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE send_queue SET attempts = attempts + 1 WHERE msg_id = @msgId;", new { msgId }, transaction, cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
                if (counted == 0)
                {
                    throw new InvalidOperationException($"Message {msgId} is not in the send queue (unknown, already sent, or failed).");
                }

                await AdvanceAsync(connection, transaction, msgId, MessageStatus.Sending, null, at, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> UpdateStatusAsync(string msgId, MessageStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(msgId);
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentException($"Status {(int)status} is not a MessageStatus.", nameof(status));
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var changed = await AdvanceAsync(connection, transaction, msgId, status, error, at, cancellationToken).ConfigureAwait(false);
                if (changed)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return changed;
            }
        }
    }

    /// <inheritdoc />
    public async Task<MessageRecord?> FindAsync(string msgId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(msgId);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QueryFirstOrDefaultAsync<MessageRow>(new CommandDefinition(
                FindSql,
                new { msgId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToRecord();
        }
    }

    /// <inheritdoc />
    public async Task<MessageRecord?> FindInChatAsync(string chatJid, string msgId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatJid);
        ArgumentException.ThrowIfNullOrWhiteSpace(msgId);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QueryFirstOrDefaultAsync<MessageRow>(new CommandDefinition(
                FindInChatSql,
                new { chatJid, msgId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToRecord();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatSummary>> ListChatsAsync(int limit, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<ChatRow>(new CommandDefinition(
                ListChatsSql,
                new { limit = Clamp(limit) },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToSummary()).ToList();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MessageRecord>> HistoryAsync(string chatJid, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatJid);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(
                HistorySql,
                new { chatJid, limit = Clamp(limit) },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToRecord()).ToList();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MessageRecord>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(
                RecentSql,
                new { limit = Clamp(limit) },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToRecord()).ToList();
        }
    }

    /// <inheritdoc />
    public async Task MarkChatReadAsync(string chatJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatJid);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE chats SET unread = 0 WHERE jid = @chatJid;", new { chatJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task SaveLidMappingAsync(string lidJid, string pnJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lidJid);
        ArgumentException.ThrowIfNullOrWhiteSpace(pnJid);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await WriteLidMappingAsync(connection, null, lidJid, pnJid, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<string?> FindPnForLidAsync(string lidJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lidJid);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT pn_jid FROM lid_mappings WHERE lid_jid = @lidJid;", new { lidJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<string?> FindLidForPnAsync(string pnJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pnJid);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT lid_jid FROM lid_mappings WHERE pn_jid = @pnJid;", new { pnJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<DeviceList?> GetDeviceListAsync(string userJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userJid);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<DeviceListRow>(new CommandDefinition(
                "SELECT device_ids AS DeviceIds, fetched_at_ms AS FetchedAtMs FROM device_lists WHERE user_jid = @userJid;",
                new { userJid },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null ? null : new DeviceList(userJid, ParseDeviceIds(userJid, row.DeviceIds), DateTimeOffset.FromUnixTimeMilliseconds(row.FetchedAtMs));
        }
    }

    /// <inheritdoc />
    public async Task SaveDeviceListAsync(DeviceList devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentException.ThrowIfNullOrWhiteSpace(devices.UserJid, nameof(devices));
        ArgumentNullException.ThrowIfNull(devices.DeviceIds, nameof(devices));
        foreach (var id in devices.DeviceIds)
        {
            if (id < 0)
            {
                throw new ArgumentException($"Device list of {devices.UserJid} holds a negative device id {id}.", nameof(devices));
            }
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO device_lists (user_jid, device_ids, fetched_at_ms) VALUES (@user, @ids, @at);",
                new
                {
                    user = devices.UserJid,
                    ids = string.Join(',', devices.DeviceIds.Select(id => id.ToString(CultureInfo.InvariantCulture))),
                    at = devices.FetchedAt.ToUnixTimeMilliseconds(),
                },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task ForgetDeviceListAsync(string userJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userJid);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM device_lists WHERE user_jid = @userJid;", new { userJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A connection for a write. SQLite's own busy handler waits for another writer's lock in steps of a few
    /// milliseconds; without it Microsoft.Data.Sqlite retries every 150 ms, which racing status updates feel.
    /// </summary>
    private async Task<SqliteConnection> OpenForWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition($"PRAGMA busy_timeout = {BusyTimeoutMs};", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<bool> WriteInboundAsync(SqliteConnection connection, SqliteTransaction transaction, MessageRecord message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var senderKey = message.FromMe ? "" : string.IsNullOrEmpty(message.SenderJid) ? message.ChatJid : message.SenderJid;
        var seq = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            InsertMessage, MessageParameters(message, senderKey, now), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (seq is null)
        {
            return false;
        }

        var isGroup = IsGroup(message.ChatJid);
        var countsAsUnread = !message.FromMe && message.Type is not ("reaction" or "edit" or "revoke" or "protocol");
        var hasPushName = !message.FromMe && !string.IsNullOrEmpty(message.PushName);
        await connection.ExecuteAsync(new CommandDefinition(
            UpsertChat,
            new
            {
                jid = message.ChatJid,
                name = hasPushName && !isGroup ? message.PushName : null,
                isGroup,
                at = message.Timestamp.ToUnixTimeMilliseconds(),
                unread = countsAsUnread ? 1L : 0L,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);

        if (hasPushName)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO contacts (jid, push_name, updated_at_ms) VALUES (@jid, @name, @now)
                ON CONFLICT (jid) DO UPDATE SET push_name = excluded.push_name, updated_at_ms = excluded.updated_at_ms;
                """,
                new { jid = senderKey, name = message.PushName, now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(message.SenderPn) && !string.IsNullOrEmpty(message.SenderLid))
        {
            await WriteLidMappingAsync(connection, transaction, message.SenderLid, message.SenderPn, cancellationToken).ConfigureAwait(false);
        }

        if (message.TargetMsgId is { Length: > 0 } target && message.Type is "edit" or "revoke")
        {
            // The target is the same side's message (a peer cannot edit or delete ours, nor we theirs); in a group the
            // sender's own message wins when two members' ids collide.
            var sql = message.Type == "edit"
                ? "UPDATE messages SET body = @body, edited_at_ms = @at, updated_at_ms = @now WHERE seq = (SELECT seq FROM messages WHERE chat_jid = @chat AND msg_id = @target AND from_me = @fromMe ORDER BY sender_key = @senderKey DESC, seq DESC LIMIT 1);"
                : "UPDATE messages SET body = NULL, content = X'', revoked = 1, updated_at_ms = @now WHERE seq = (SELECT seq FROM messages WHERE chat_jid = @chat AND msg_id = @target AND from_me = @fromMe ORDER BY sender_key = @senderKey DESC, seq DESC LIMIT 1);";
            await connection.ExecuteAsync(new CommandDefinition(
                sql,
                new
                {
                    body = message.Body,
                    at = message.Timestamp.ToUnixTimeMilliseconds(),
                    now,
                    chat = message.ChatJid,
                    target,
                    fromMe = message.FromMe ? 1L : 0L,
                    senderKey,
                },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await JournalAsync(connection, transaction, "messages.received", message.ChatJid, message.MsgId, seq.Value, MessageStatus.Received.ToName(), null, now, cancellationToken)
            .ConfigureAwait(false);
        return true;
    }

    private static async Task<bool> AdvanceAsync(
        SqliteConnection connection, SqliteTransaction transaction, string msgId, MessageStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var current = await connection.QuerySingleOrDefaultAsync<CurrentRow>(new CommandDefinition(
            CurrentStatusSql,
            new { msgId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (current is null || !MessageStatusNames.CanAdvance((MessageStatus)current.Status, status))
        {
            return false;
        }

        var atMs = at.ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE messages SET status = @status, error = COALESCE(@error, error), updated_at_ms = @atMs WHERE seq = @seq;",
            new { status = (long)status, error, atMs, seq = current.Seq },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (status is >= MessageStatus.Sent and <= MessageStatus.Failed)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM send_queue WHERE msg_id = @msgId;", new { msgId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await JournalAsync(connection, transaction, "message.status", current.ChatJid, msgId, current.Seq, status.ToName(), error, atMs, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static Task JournalAsync(
        SqliteConnection connection, SqliteTransaction transaction, string @event, string chat, string msgId, long seq, string status, string? detail, long atMs,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            AppendEvent, new { @event, chat, msgId, seq, status, detail, at = atMs }, transaction, cancellationToken: cancellationToken));

    /// <summary>REPLACE drops whatever row either side was paired with (both columns are unique): the mapping stays one to one.</summary>
    private static Task WriteLidMappingAsync(SqliteConnection connection, SqliteTransaction? transaction, string lidJid, string pnJid, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT OR REPLACE INTO lid_mappings (lid_jid, pn_jid) VALUES (@lidJid, @pnJid);",
            new { lidJid, pnJid },
            transaction,
            cancellationToken: cancellationToken));

    private static object MessageParameters(MessageRecord m, string senderKey, long nowMs) => new
    {
        m.MsgId,
        m.ChatJid,
        FromMe = m.FromMe ? 1L : 0L,
        SenderKey = senderKey,
        m.SenderJid,
        m.SenderPn,
        m.SenderLid,
        m.Type,
        m.Body,
        m.Content,
        m.TargetMsgId,
        m.PushName,
        TimestampMs = m.Timestamp.ToUnixTimeMilliseconds(),
        Status = (long)m.Status,
        m.Error,
        m.MediaPath,
        EditedAtMs = m.EditedAt?.ToUnixTimeMilliseconds(),
        Revoked = m.Revoked ? 1L : 0L,
        UpdatedAtMs = nowMs,
    };

    private static void ValidateMessage(MessageRecord message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.MsgId))
        {
            throw new ArgumentException("Message has no MsgId.", nameof(message));
        }

        if (string.IsNullOrWhiteSpace(message.ChatJid))
        {
            throw new ArgumentException($"Message {message.MsgId} has no ChatJid.", nameof(message));
        }

        if (string.IsNullOrWhiteSpace(message.Type))
        {
            throw new ArgumentException($"Message {message.MsgId} has no Type.", nameof(message));
        }

        if (message.Content is null)
        {
            throw new ArgumentException($"Message {message.MsgId} has no Content (use an empty array).", nameof(message));
        }

        if (!Enum.IsDefined(message.Status))
        {
            throw new ArgumentException($"Message {message.MsgId} has status {(int)message.Status}, which is not a MessageStatus.", nameof(message));
        }
    }

    private static bool IsGroup(string chatJid) => chatJid.EndsWith("@g.us", StringComparison.Ordinal);

    private static int Clamp(int limit) => Math.Clamp(limit, 1, MaxLimit);

    private static int[] ParseDeviceIds(string userJid, string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var parts = text.Split(',');
        var ids = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
            {
                throw new InvalidOperationException($"Stored device list of {userJid} is corrupt: '{text}' is not comma-separated device ids.");
            }
        }

        return ids;
    }

    private sealed class QueueRow
    {
        public string ToJid { get; set; } = "";

        public long ExpiresAtMs { get; set; }

        public long Attempts { get; set; }
    }

    private sealed class CurrentRow
    {
        public long Seq { get; set; }

        public string ChatJid { get; set; } = "";

        public long Status { get; set; }
    }

    private sealed class DeviceListRow
    {
        public string DeviceIds { get; set; } = "";

        public long FetchedAtMs { get; set; }
    }

    private sealed class ChatRow
    {
        public string Jid { get; set; } = "";

        public string? Name { get; set; }

        public long IsGroup { get; set; }

        public long? LastMsgAtMs { get; set; }

        public long Unread { get; set; }

        public ChatSummary ToSummary() => new(
            Jid, Name, IsGroup != 0, LastMsgAtMs is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, (int)Unread);
    }
}
