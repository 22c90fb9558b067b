using WaEngine.Engine.Session;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Webhooks;

/// <summary>
/// The webhook outbox of one line, in the line's database: turns journal rows (<c>line_events</c>) into deliveries
/// (<c>webhook_deliveries</c>) and advances the cursor in one transaction, hands out the head of each chat's queue, and
/// records the outcome of every attempt. A crash between any two calls loses nothing: a journal row is either still
/// past the cursor or already a delivery, and a delivery stays pending until an attempt is recorded as delivered.
/// </summary>
/// <param name="database">The line's database (migrations 0004 and 0005 applied).</param>
/// <param name="lineId">The line's id, part of every delivery id.</param>
public sealed class WebhookOutbox(LineDatabase database, LineId lineId)
{
    internal const string DeliveryColumns = """
        journal_seq AS JournalSeq, delivery_id AS DeliveryId, event AS Event, chat_key AS ChatKey, msg_id AS MsgId, body AS Body,
        status AS Status, attempts AS Attempts, created_at_ms AS CreatedAtMs, expires_at_ms AS ExpiresAtMs,
        next_attempt_at_ms AS NextAttemptAtMs, last_attempt_at_ms AS LastAttemptAtMs, delivered_at_ms AS DeliveredAtMs,
        last_status_code AS LastStatusCode, last_error AS LastError
        """;

    private const string InsertDelivery = """
        INSERT OR IGNORE INTO webhook_deliveries
            (journal_seq, delivery_id, event, chat_key, msg_id, body, status, created_at_ms, expires_at_ms, next_attempt_at_ms)
        VALUES (@seq, @id, @event, @chatKey, @msgId, @body, 'pending', @now, @expires, @now);
        """;

    /// <summary>The line this outbox belongs to.</summary>
    public LineId LineId => lineId;

    /// <summary>The delivery id of the journal row <paramref name="journalSeq"/>: stable across attempts and restarts.</summary>
    public string DeliveryIdOf(long journalSeq) => string.Create(CultureInfo.InvariantCulture, $"wd_{lineId}_{journalSeq}");

    /// <summary>Whether the journal has rows past the cursor (a cheap read, no write lock).</summary>
    public async Task<bool> HasUntransferredAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM line_events WHERE seq > (SELECT journal_seq FROM webhook_cursor WHERE id = 1));",
                cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>
    /// Reads up to <paramref name="batchSize"/> journal rows past the cursor — a received message as it was when it was
    /// journalled (migration 0005 keeps a copy of its body and content), not as later edits or deletes left it —
    /// stores a pending delivery for each one
    /// <paramref name="render"/> turns into a draft (null skips the row: an event the session does not want), and moves
    /// the cursor past them, all in one transaction.
    /// </summary>
    /// <returns>How many journal rows were read and how many deliveries were queued.</returns>
    public async Task<(int Read, int Queued)> TransferAsync(Func<JournalEntry, WebhookDraft?> render, DateTimeOffset now, TimeSpan maxAge, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(render);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // IMMEDIATE: take the write lock first, so the read below cannot go stale before the writes.
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var cursor = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT journal_seq FROM webhook_cursor WHERE id = 1;", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var rows = (await connection.QueryAsync<JournalRow>(new CommandDefinition(
                    """
                    SELECT e.seq AS Seq, e.event AS Event, e.chat_jid AS ChatJid, e.msg_id AS MsgId, e.status AS Status, e.detail AS Detail,
                           e.created_at_ms AS CreatedAtMs, m.seq AS MSeq, m.msg_id AS MMsgId, m.chat_jid AS MChatJid, m.from_me AS MFromMe,
                           m.sender_jid AS MSenderJid, m.sender_pn AS MSenderPn, m.sender_lid AS MSenderLid, m.type AS MType,
                           CASE WHEN s.journal_seq IS NULL THEN m.body ELSE s.body END AS MBody,
                           CASE WHEN s.journal_seq IS NULL THEN m.content ELSE s.content END AS MContent,
                           m.target_msg_id AS MTargetMsgId, m.push_name AS MPushName, m.timestamp_ms AS MTimestampMs,
                           m.status AS MStatus, m.error AS MError, m.media_path AS MMediaPath, m.edited_at_ms AS MEditedAtMs, m.revoked AS MRevoked,
                           r.handler AS RHandler, r.context AS RContext, r.expires_at_ms AS RExpiresAtMs
                    FROM line_events e
                    LEFT JOIN messages m ON m.seq = e.message_seq
                    LEFT JOIN webhook_snapshots s ON s.journal_seq = e.seq
                    LEFT JOIN webhook_reply_states r ON r.journal_seq = e.seq
                    WHERE e.seq > @cursor ORDER BY e.seq LIMIT @batchSize;
                    """,
                    new { cursor, batchSize },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                if (rows.Count == 0)
                {
                    return (0, 0);
                }

                var queued = 0;
                var nowMs = now.ToUnixTimeMilliseconds();
                foreach (var row in rows)
                {
                    var entry = row.ToEntry();
                    if (render(entry) is not { } draft)
                    {
                        continue;
                    }

                    using var insert = connection.Statement(InsertDelivery, transaction)
                        .Bind("@seq", entry.Seq)
                        .Bind("@id", DeliveryIdOf(entry.Seq))
                        .Bind("@event", entry.Event)
                        .Bind("@chatKey", draft.ChatKey)
                        .Bind("@msgId", entry.MsgId ?? entry.Message?.MsgId)
                        .Bind("@body", draft.Body)
                        .Bind("@now", nowMs)
                        .Bind("@expires", (now + maxAge).ToUnixTimeMilliseconds());
                    queued += insert.Execute(cancellationToken);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE webhook_cursor SET journal_seq = @last WHERE id = 1; DELETE FROM webhook_snapshots WHERE journal_seq <= @last; DELETE FROM webhook_reply_states WHERE journal_seq <= @last;",
                    new { last = rows[^1].Seq },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return (rows.Count, queued);
            }
        }
    }

    /// <summary>
    /// The head of each chat's queue (its oldest pending delivery), soonest due first. Only a head may be attempted:
    /// a later delivery of the same chat waits until the head is delivered or given up.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery>> HeadsAsync(int limit, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
                $"""
                SELECT {DeliveryColumns} FROM webhook_deliveries
                WHERE journal_seq IN (SELECT MIN(journal_seq) FROM webhook_deliveries WHERE status = 'pending' GROUP BY chat_key)
                ORDER BY next_attempt_at_ms, journal_seq LIMIT @limit;
                """,
                new { limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToDelivery()).ToList();
        }
    }

    /// <summary>Records a 2xx answer: the delivery is done.</summary>
    public async Task MarkDeliveredAsync(long journalSeq, int statusCode, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE webhook_deliveries
                SET status = 'delivered', attempts = attempts + 1, last_attempt_at_ms = @at, delivered_at_ms = @at,
                    last_status_code = @statusCode, last_error = NULL
                WHERE journal_seq = @journalSeq;
                """,
                new { journalSeq, statusCode, at = at.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records a failed attempt: pending again at <paramref name="nextAttemptAt"/>, or failed (given up) when the
    /// attempt came at or after the delivery's expiry.
    /// </summary>
    /// <returns>The status it now has (<see cref="WebhookDeliveryStatus.Pending"/> or <see cref="WebhookDeliveryStatus.Failed"/>).</returns>
    public async Task<string> MarkAttemptFailedAsync(long journalSeq, int? statusCode, string error, DateTimeOffset at, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                """
                UPDATE webhook_deliveries
                SET status = CASE WHEN @at >= expires_at_ms THEN 'failed' ELSE 'pending' END,
                    attempts = attempts + 1, last_attempt_at_ms = @at, next_attempt_at_ms = @next,
                    last_status_code = @statusCode, last_error = @error
                WHERE journal_seq = @journalSeq
                RETURNING status;
                """,
                new { journalSeq, statusCode, error, at = at.ToUnixTimeMilliseconds(), next = nextAttemptAt.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false) ?? WebhookDeliveryStatus.Failed;
        }
    }

    /// <summary>Deliveries newest first, optionally only those with <paramref name="status"/> or older than <paramref name="beforeSeq"/>.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(string? status, int limit, long? beforeSeq, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
                $"""
                SELECT {DeliveryColumns} FROM webhook_deliveries
                WHERE (@status IS NULL OR status = @status) AND journal_seq < @before
                ORDER BY journal_seq DESC LIMIT @limit;
                """,
                new { status, limit, before = beforeSeq ?? long.MaxValue },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToDelivery()).ToList();
        }
    }

    /// <summary>One delivery by id, or null.</summary>
    public async Task<WebhookDelivery?> FindAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return (await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
                $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE delivery_id = @deliveryId;",
                new { deliveryId },
                cancellationToken: cancellationToken)).ConfigureAwait(false))?.ToDelivery();
        }
    }

    /// <summary>
    /// Makes a delivery pending again, due now, with a fresh expiry of <paramref name="maxAge"/> (a retry by hand: it
    /// goes out again even if it was delivered). Null if there is no such delivery.
    /// </summary>
    public async Task<WebhookDelivery?> RetryAsync(string deliveryId, DateTimeOffset now, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return (await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
                $"""
                UPDATE webhook_deliveries
                SET status = 'pending', next_attempt_at_ms = @now, expires_at_ms = @expires
                WHERE delivery_id = @deliveryId
                RETURNING {DeliveryColumns};
                """,
                new { deliveryId, now = now.ToUnixTimeMilliseconds(), expires = (now + maxAge).ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false))?.ToDelivery();
        }
    }

    /// <summary>Deletes delivered and failed deliveries created before <paramref name="before"/>; pending ones stay.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at_ms < @before;",
                new { before = before.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes journal rows written before <paramref name="before"/> that are already behind the cursor (turned into
    /// deliveries, or skipped because nobody wanted them): the journal only has to hold what is not transferred yet.
    /// </summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> PruneJournalAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM line_events WHERE seq <= (SELECT journal_seq FROM webhook_cursor WHERE id = 1) AND created_at_ms < @before;",
                new { before = before.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the line still owes its webhook: pending deliveries plus journal rows not yet turned into deliveries (rows
    /// nobody wants are skipped when transferred, so they count only until then).
    /// </summary>
    public async Task<int> BacklogAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                SELECT (SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending')
                     + (SELECT COUNT(*) FROM line_events WHERE seq > (SELECT journal_seq FROM webhook_cursor WHERE id = 1));
                """,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private sealed class JournalRow
    {
        public long Seq { get; init; }

        public string Event { get; init; } = "";

        public string? ChatJid { get; init; }

        public string? MsgId { get; init; }

        public string? Status { get; init; }

        public string? Detail { get; init; }

        public long CreatedAtMs { get; init; }

        public long? MSeq { get; init; }

        public string? MMsgId { get; init; }

        public string? MChatJid { get; init; }

        public long MFromMe { get; init; }

        public string? MSenderJid { get; init; }

        public string? MSenderPn { get; init; }

        public string? MSenderLid { get; init; }

        public string? MType { get; init; }

        public string? MBody { get; init; }

        public byte[]? MContent { get; init; }

        public string? MTargetMsgId { get; init; }

        public string? MPushName { get; init; }

        public long MTimestampMs { get; init; }

        public long MStatus { get; init; }

        public string? MError { get; init; }

        public string? MMediaPath { get; init; }

        public long? MEditedAtMs { get; init; }

        public long MRevoked { get; init; }

        public string? RHandler { get; init; }

        public string? RContext { get; init; }

        public long? RExpiresAtMs { get; init; }

        public JournalEntry ToEntry() => new(Seq, Event, ChatJid, MsgId, Status, Detail, At(CreatedAtMs), MSeq is null ? null : new MessageRecord
        {
            MsgId = MMsgId!,
            ChatJid = MChatJid!,
            FromMe = MFromMe != 0,
            SenderJid = MSenderJid,
            SenderPn = MSenderPn,
            SenderLid = MSenderLid,
            Type = MType!,
            Body = MBody,
            Content = MContent ?? [],
            TargetMsgId = MTargetMsgId,
            PushName = MPushName,
            Timestamp = At(MTimestampMs),
            Status = (MessageStatus)MStatus,
            Error = MError,
            MediaPath = MMediaPath,
            EditedAt = MEditedAtMs is { } edited ? At(edited) : null,
            Revoked = MRevoked != 0,
        },
        RHandler is null ? null : new ReplyState(MSenderLid ?? MSenderPn ?? MSenderJid ?? "", RHandler, RContext, At(RExpiresAtMs ?? 0)));
    }

    internal sealed class DeliveryRow
    {
        public long JournalSeq { get; init; }

        public string DeliveryId { get; init; } = "";

        public string Event { get; init; } = "";

        public string ChatKey { get; init; } = "";

        public string? MsgId { get; init; }

        public byte[] Body { get; init; } = [];

        public string Status { get; init; } = "";

        public long Attempts { get; init; }

        public long CreatedAtMs { get; init; }

        public long ExpiresAtMs { get; init; }

        public long NextAttemptAtMs { get; init; }

        public long? LastAttemptAtMs { get; init; }

        public long? DeliveredAtMs { get; init; }

        public long? LastStatusCode { get; init; }

        public string? LastError { get; init; }

        public WebhookDelivery ToDelivery() => new(
            JournalSeq,
            DeliveryId,
            Event,
            ChatKey,
            MsgId,
            Body,
            Status,
            (int)Attempts,
            At(CreatedAtMs),
            At(ExpiresAtMs),
            At(NextAttemptAtMs),
            LastAttemptAtMs is { } attempted ? At(attempted) : null,
            DeliveredAtMs is { } delivered ? At(delivered) : null,
            LastStatusCode is { } code ? (int)code : null,
            LastError);
    }
}
