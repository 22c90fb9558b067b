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
/// Every commit that journalled raises <see cref="LineDatabase.Journalled"/> after it committed.
/// </summary>
public sealed partial class SqliteMessageStore : IMessageStore
{
    /// <summary>The largest page any list query returns; larger limits are clamped to it.</summary>
    public const int MaxLimit = 1000;

    /// <summary>One message by id, our own first. (The tests check the plan of this and the other queries here.)</summary>
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
    internal const string ListChatsSql = $"""
        SELECT {ChatRow.Columns}
        FROM chats ORDER BY last_msg_at_ms DESC, jid LIMIT @limit;
        """;

    /// <summary>The send queue joined with its messages, oldest first (sent but not acknowledged by the server included).</summary>
    internal const string PendingSql = $"""
        SELECT {MessageRow.Columns}, q.to_jid AS ToJid, q.expires_at_ms AS ExpiresAtMs, q.attempts AS Attempts
        FROM send_queue q JOIN messages m ON m.seq = q.queued_seq
        WHERE m.status IN (@queued, @sending, @sent)
        ORDER BY q.queued_seq;
        """;

    /// <summary>
    /// Message <c>m</c> is the first with its contact: no earlier message in its chat nor in the contact's other chat
    /// (its LID for a phone-number chat, its phone number for a LID chat), so one contact counts once toward the
    /// new-contact cap however it was addressed.
    /// </summary>
    private const string NoEarlierWithContact = """
        NOT EXISTS (SELECT 1 FROM messages e WHERE e.seq < m.seq AND (e.chat_jid = m.chat_jid
            OR e.chat_jid IN (SELECT lid_jid FROM lid_mappings WHERE pn_jid = m.chat_jid)
            OR e.chat_jid IN (SELECT pn_jid FROM lid_mappings WHERE lid_jid = m.chat_jid)))
        """;

    /// <summary>The size of the send queue, counted as <see cref="PendingSql"/> lists it.</summary>
    internal const string PendingCountSql = """
        SELECT COUNT(*) FROM send_queue q JOIN messages m ON m.seq = q.queued_seq
        WHERE m.status IN (@queued, @sending, @sent);
        """;

    /// <summary>How long a write waits for another connection's write lock before failing (SQLite's busy handler).</summary>
    private const int BusyTimeoutMs = 30_000;

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
            var written = await InboundMessageWriter.WriteAsync(joint.Connection, joint.Transaction, message, NowMs(), cancellationToken).ConfigureAwait(false);
            if (written)
            {
                joint.MarkJournalled();
            }

            return written;
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
                var stored = await InboundMessageWriter.WriteAsync(connection, own, message, NowMs(), cancellationToken).ConfigureAwait(false);
                if (stored)
                {
                    await own.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _database.OnJournalled();
                }

                return stored;
            }
        }
    }

    /// <inheritdoc />
    public Task SaveOutboundAsync(MessageRecord message, string toJid, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        SaveOutboundAsync(message, toJid, expiresAt, null, cancellationToken);

    /// <inheritdoc />
    public Task SaveOutboundAsync(MessageRecord message, string toJid, DateTimeOffset expiresAt, ReplyState? state, CancellationToken cancellationToken) =>
        SaveOutboundBatchAsync([new OutboundDraft(message, toJid, expiresAt, state)], cancellationToken);

    /// <inheritdoc />
    public async Task SaveOutboundBatchAsync(IReadOnlyList<OutboundDraft> drafts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        foreach (var draft in drafts)
        {
            ValidateOutbound(draft.Message, draft.ToJid);
        }

        if (drafts.Count == 0)
        {
            return;
        }

        var now = NowMs();
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var draft in drafts)
                {
                    var (message, toJid, expiresAt, state) = draft;
                    var seq = await MessageWrites.InsertAsync(connection, transaction, message, "", now, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException(
                            $"Outbound message {message.MsgId} (chat {message.ChatJid}) is already stored: our own message ids must be unique.");
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO send_queue (msg_id, to_jid, queued_seq, expires_at_ms, attempts) VALUES (@id, @to, @seq, @expires, 0);",
                        new { id = message.MsgId, to = toJid, seq, expires = expiresAt.ToUnixTimeMilliseconds() },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await MessageWrites.UpsertChatAsync(connection, transaction, message.ChatJid, null, message.Timestamp.ToUnixTimeMilliseconds(), 0, cancellationToken)
                        .ConfigureAwait(false);
                    await MessageWrites.JournalAsync(connection, transaction, "message.status", message.ChatJid, message.MsgId, seq, MessageStatus.Queued.ToName(), null, now, cancellationToken)
                        .ConfigureAwait(false);
                    if (state is not null)
                    {
                        await ReplyStateStore.UpsertAsync(connection, transaction, state, cancellationToken).ConfigureAwait(false);
                    }

                    if (draft.Prepare is not null)
                    {
                        await OutboundHolds.HoldAsync(connection, transaction, message.MsgId, draft.Prepare, cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                _database.OnJournalled();
            }
        }
    }

    private static void ValidateOutbound(MessageRecord message, string toJid)
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
                    new { queued = (long)MessageStatus.Queued, sending = (long)MessageStatus.Sending, sent = (long)MessageStatus.Sent },
                    cancellationToken: cancellationToken),
                (message, queue) => new OutboundEntry(
                    message.ToRecord(), queue.ToJid, DateTimeOffset.FromUnixTimeMilliseconds(queue.ExpiresAtMs), (int)queue.Attempts),
                splitOn: "ToJid").ConfigureAwait(false);
            return entries.AsList();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> HeldOutboundAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await OutboundHolds.ListAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task ReleaseHeldAsync(string msgId, byte[]? content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(msgId);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await OutboundHolds.ReleaseAsync(connection, msgId, content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many outbound messages wait in the send queue (the same rows <see cref="PendingOutboundAsync"/> lists).</summary>
    public async Task<int> PendingOutboundCountAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                PendingCountSql,
                new { queued = (long)MessageStatus.Queued, sending = (long)MessageStatus.Sending, sent = (long)MessageStatus.Sent },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task MarkSendingAsync(string msgId, DateTimeOffset at, CancellationToken cancellationToken) =>
        MarkSendingAsync([msgId], at, cancellationToken);

    /// <summary>Marks several queued messages sending in one transaction; none is marked when one is not in the send queue.</summary>
    public async Task MarkSendingAsync(IReadOnlyList<string> msgIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        foreach (var msgId in msgIds)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(msgId);
        }

        if (msgIds.Count == 0)
        {
            return;
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var journalled = false;
                var writer = new OutboundStatusWriter(connection, transaction);
                foreach (var msgId in msgIds)
                {
                    if (!await writer.CountAttemptAsync(msgId, cancellationToken).ConfigureAwait(false))
                    {
                        throw new InvalidOperationException($"Message {msgId} is not in the send queue (unknown, already sent, or failed).");
                    }

                    journalled |= await writer.AdvanceAsync(msgId, MessageStatus.Sending, null, at, cancellationToken).ConfigureAwait(false) is not null;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (journalled)
                {
                    _database.OnJournalled();
                }
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
                var changed = await OutboundStatus.AdvanceAsync(connection, transaction, msgId, status, error, at, cancellationToken).ConfigureAwait(false);
                if (changed)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _database.OnJournalled();
                }

                return changed;
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> UpdateStatusesAsync(IReadOnlyList<StatusUpdate> updates, CancellationToken cancellationToken) =>
        [.. (await AdvanceStatusesAsync(updates, cancellationToken).ConfigureAwait(false)).Select(chat => chat is not null)];

    /// <inheritdoc />
    public async Task<IReadOnlyList<string?>> AdvanceStatusesAsync(IReadOnlyList<StatusUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var chats = new string?[updates.Count];
        if (updates.Count == 0)
        {
            return chats;
        }

        foreach (var update in updates)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(update.MsgId);
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var changed = false;
                var writer = new OutboundStatusWriter(connection, transaction);
                for (var i = 0; i < updates.Count; i++)
                {
                    var update = updates[i];
                    chats[i] = await writer.AdvanceAsync(update.MsgId, update.Status, update.Error, update.At, cancellationToken).ConfigureAwait(false);
                    changed |= chats[i] is not null;
                }

                if (changed)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _database.OnJournalled();
                }
            }
        }

        return chats;
    }

    /// <inheritdoc />
    public async Task<SendPacing> GetSendPacingAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QueryFirstOrDefaultAsync<(long GapMs, long JitterMs, long TypingMs, long TypingMaxMs, long NewContacts)?>(new CommandDefinition(
                "SELECT min_gap_ms, jitter_ms, typing_ms_per_char, typing_max_ms, new_contacts_per_hour FROM send_pacing WHERE id = 1;",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is { } found
                ? new SendPacing
                {
                    MinGap = TimeSpan.FromMilliseconds(found.GapMs),
                    Jitter = TimeSpan.FromMilliseconds(found.JitterMs),
                    TypingPerChar = TimeSpan.FromMilliseconds(found.TypingMs),
                    TypingCap = TimeSpan.FromMilliseconds(found.TypingMaxMs),
                    NewContactsPerHour = (int)found.NewContacts,
                }
                : SendPacing.Off;
        }
    }

    /// <inheritdoc />
    public async Task SetSendPacingAsync(SendPacing pacing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pacing);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                pacing.IsOn
                    ? """
                      INSERT OR REPLACE INTO send_pacing (id, min_gap_ms, jitter_ms, typing_ms_per_char, typing_max_ms, new_contacts_per_hour)
                      VALUES (1, @gap, @jitter, @typing, @typingMax, @newContacts);
                      """
                    : "DELETE FROM send_pacing;",
                new
                {
                    gap = (long)pacing.MinGap.TotalMilliseconds,
                    jitter = (long)pacing.Jitter.TotalMilliseconds,
                    typing = (long)pacing.TypingPerChar.TotalMilliseconds,
                    typingMax = (long)pacing.TypingCap.TotalMilliseconds,
                    newContacts = (long)pacing.NewContactsPerHour,
                },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<FirstContacts> FirstContactsAsync(IReadOnlyCollection<string> msgIds, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var openers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in msgIds.Chunk(500))
            {
                openers.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(
                    $"""
                    SELECT m.msg_id FROM messages m
                    WHERE m.from_me = 1 AND m.msg_id IN @ids
                      AND {NoEarlierWithContact};
                    """,
                    new { ids = chunk },
                    cancellationToken: cancellationToken)).ConfigureAwait(false));
            }

            var recent = await connection.QueryAsync<long>(new CommandDefinition(
                $"""
                SELECT m.scheduled_at_ms FROM messages m
                WHERE m.scheduled_at_ms > @since AND m.from_me = 1 AND m.status BETWEEN @sending AND @read
                  AND {NoEarlierWithContact}
                ORDER BY m.scheduled_at_ms;
                """,
                new { since = since.ToUnixTimeMilliseconds(), sending = (long)MessageStatus.Sending, read = (long)MessageStatus.Read },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new FirstContacts(openers, [.. recent.Select(DateTimeOffset.FromUnixTimeMilliseconds)]);
        }
    }

    /// <inheritdoc />
    public async Task ScheduleAsync(IReadOnlyList<(string MsgId, DateTimeOffset At)> schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Count == 0)
        {
            return;
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var (msgId, at) in schedule)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE messages SET scheduled_at_ms = @at WHERE msg_id = @msgId AND from_me = 1;",
                        new { msgId, at = at.ToUnixTimeMilliseconds() },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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
    public async Task<IReadOnlyList<ReadTarget>> FindReadTargetsAsync(string chatJid, IReadOnlyList<string>? msgIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatJid);
        if (msgIds is { Count: 0 })
        {
            return [];
        }

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadMarks.FindAsync(connection, chatJid, msgIds, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<int> MarkMessagesReadAsync(string chatJid, IReadOnlyList<string> msgIds, bool allUnread, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatJid);
        ArgumentNullException.ThrowIfNull(msgIds);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var marked = await ReadMarks.MarkAsync(connection, transaction, chatJid, msgIds, allUnread, at.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return marked;
            }
        }
    }

    /// <inheritdoc />
    public async Task JournalPresenceAsync(PresenceUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await Journal.PresenceJournal.AppendAsync(connection, update, NowMs(), cancellationToken).ConfigureAwait(false);
        }

        _database.OnJournalled();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> PresenceSubscriptionsAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await PresenceSubscriptions.AllAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task SavePresenceSubscriptionsAsync(IReadOnlyCollection<string> jids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jids);
        if (jids.Count == 0)
        {
            return;
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PresenceSubscriptions.AddAsync(connection, jids, NowMs(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DeletePresenceSubscriptionsAsync(IReadOnlyCollection<string> jids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jids);
        if (jids.Count == 0)
        {
            return;
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PresenceSubscriptions.DeleteAsync(connection, jids, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task SaveCheckedContactsAsync(IReadOnlyList<ContactCheck> checks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (!checks.Any(c => c.OnWhatsApp))
        {
            return;
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                await ContactBook.SaveCheckedAsync(connection, transaction, checks, NowMs(), cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ContactEntry>> ListContactsAsync(int limit, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ContactBook.ListAsync(connection, Clamp(limit), cancellationToken).ConfigureAwait(false);
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
            await MessageWrites.WriteLidMappingAsync(connection, null, lidJid, pnJid, cancellationToken).ConfigureAwait(false);
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
    public async Task<PrivacyTokenState?> GetPrivacyTokenAsync(string contactJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactJid);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<PrivacyTokenRow>(new CommandDefinition(
                "SELECT token AS Token, token_t AS TokenT, issued_at AS IssuedAt FROM privacy_tokens WHERE contact_jid = @contactJid;",
                new { contactJid },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null
                ? null
                : new PrivacyTokenState(
                    contactJid,
                    row.Token,
                    row.TokenT is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null,
                    row.IssuedAt is { } issued ? DateTimeOffset.FromUnixTimeSeconds(issued) : null);
        }
    }

    /// <inheritdoc />
    public async Task SavePrivacyTokenAsync(string contactJid, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactJid);
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0)
        {
            throw new ArgumentException($"The privacy token from {contactJid} is empty.", nameof(token));
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO privacy_tokens (contact_jid, token, token_t) VALUES (@contactJid, @token, @t)
                ON CONFLICT (contact_jid) DO UPDATE SET token = excluded.token, token_t = excluded.token_t
                WHERE privacy_tokens.token_t IS NULL OR privacy_tokens.token_t <= excluded.token_t;
                """,
                new { contactJid, token, t = timestamp.ToUnixTimeSeconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task SaveTokenIssuedAsync(string contactJid, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactJid);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO privacy_tokens (contact_jid, issued_at) VALUES (@contactJid, @issued)
                ON CONFLICT (contact_jid) DO UPDATE SET issued_at = excluded.issued_at;
                """,
                new { contactJid, issued = issuedAt.ToUnixTimeSeconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task SaveTokensIssuedAsync(IReadOnlyList<TokenIssued> issued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        if (issued.Count == 0)
        {
            return;
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var contact in issued)
                {
                    ArgumentException.ThrowIfNullOrWhiteSpace(contact.ContactJid);
                    foreach (var (token, timestamp) in contact.Tokens.Where(t => t.Token is { Length: > 0 }))
                    {
                        await connection.ExecuteAsync(new CommandDefinition(
                            """
                            INSERT INTO privacy_tokens (contact_jid, token, token_t) VALUES (@contactJid, @token, @t)
                            ON CONFLICT (contact_jid) DO UPDATE SET token = excluded.token, token_t = excluded.token_t
                            WHERE privacy_tokens.token_t IS NULL OR privacy_tokens.token_t <= excluded.token_t;
                            """,
                            new { contactJid = contact.ContactJid, token, t = timestamp.ToUnixTimeSeconds() },
                            transaction,
                            cancellationToken: cancellationToken)).ConfigureAwait(false);
                    }

                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO privacy_tokens (contact_jid, issued_at) VALUES (@contactJid, @issued)
                        ON CONFLICT (contact_jid) DO UPDATE SET issued_at = excluded.issued_at;
                        """,
                        new { contactJid = contact.ContactJid, issued = contact.IssuedAt.ToUnixTimeSeconds() },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetNctSaltAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.QuerySingleOrDefaultAsync<byte[]?>(new CommandDefinition(
                "SELECT salt FROM nct_salt WHERE id = 1;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task SaveNctSaltAsync(byte[] salt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(salt);
        if (salt.Length == 0)
        {
            throw new ArgumentException("The NCT salt is empty.", nameof(salt));
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO nct_salt (id, salt) VALUES (1, @salt);", new { salt }, cancellationToken: cancellationToken)).ConfigureAwait(false);
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
        CheckDeviceList(devices);
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await WriteDeviceListAsync(connection, null, devices, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task SaveDeviceListsAsync(IReadOnlyList<DeviceList> lists, IReadOnlyList<(string LidJid, string PnJid)> mappings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(mappings);
        foreach (var list in lists)
        {
            CheckDeviceList(list);
        }

        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var list in lists)
                {
                    await WriteDeviceListAsync(connection, transaction, list, cancellationToken).ConfigureAwait(false);
                }

                foreach (var (lid, pn) in mappings)
                {
                    await MessageWrites.WriteLidMappingAsync(connection, transaction, lid, pn, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void CheckDeviceList(DeviceList devices)
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
    }

    private static Task WriteDeviceListAsync(SqliteConnection connection, SqliteTransaction? transaction, DeviceList devices, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT OR REPLACE INTO device_lists (user_jid, device_ids, fetched_at_ms) VALUES (@user, @ids, @at);",
            new
            {
                user = devices.UserJid,
                ids = string.Join(',', devices.DeviceIds.Select(id => id.ToString(CultureInfo.InvariantCulture))),
                at = devices.FetchedAt.ToUnixTimeMilliseconds(),
            },
            transaction,
            cancellationToken: cancellationToken));

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

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

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

    private sealed class DeviceListRow
    {
        public string DeviceIds { get; set; } = "";

        public long FetchedAtMs { get; set; }
    }

    private sealed class PrivacyTokenRow
    {
        public byte[]? Token { get; set; }

        public long? TokenT { get; set; }

        public long? IssuedAt { get; set; }
    }
}
