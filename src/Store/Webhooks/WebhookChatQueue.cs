using Dapper;

namespace WaEngine.Store.Webhooks;

/// <summary>
/// One chat's queue in a line's webhook outbox, for a worker that delivers a chat's events one after another without
/// going back to the heads of every chat between two of them: the chat's pending deliveries in journal order, and the
/// 2xx answers to several deliveries recorded in one transaction. Until an answer is recorded its delivery stays
/// pending, so a crash in between sends it again under the same id (at least once).
/// </summary>
/// <param name="database">The line's database (migration 0004 applied).</param>
public sealed class WebhookChatQueue(LineDatabase database)
{
    /// <summary>
    /// The first <paramref name="limit"/> pending deliveries of <paramref name="chatKey"/> in journal order, up to (not
    /// including) the first that is not due at <paramref name="now"/>.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery>> PendingAsync(string chatKey, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chatKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<WebhookOutbox.DeliveryRow>(new CommandDefinition(
                $"""
                SELECT {WebhookOutbox.DeliveryColumns} FROM webhook_deliveries
                WHERE status = 'pending' AND chat_key = @chatKey
                ORDER BY journal_seq LIMIT @limit;
                """,
                new { chatKey, limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            var due = new List<WebhookDelivery>();
            foreach (var row in rows)
            {
                var delivery = row.ToDelivery();
                if (delivery.NextAttemptAt > now)
                {
                    break;
                }

                due.Add(delivery);
            }

            return due;
        }
    }

    /// <summary>Records 2xx answers to <paramref name="marks"/>' deliveries, all in one transaction.</summary>
    public async Task MarkDeliveredAsync(IReadOnlyList<WebhookDeliveredMark> marks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (marks.Count == 0)
        {
            return;
        }

        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE webhook_deliveries
                    SET status = 'delivered', attempts = attempts + 1, last_attempt_at_ms = @At, delivered_at_ms = @At,
                        last_status_code = @StatusCode, last_error = NULL
                    WHERE journal_seq = @JournalSeq;
                    """,
                    marks.Select(m => new { m.JournalSeq, m.StatusCode, At = m.At.ToUnixTimeMilliseconds() }),
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
