using System.Globalization;
using Dapper;
using WaEngine.Engine.Stanzas.Calls;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Journal;

/// <summary>
/// Records calls placed to a line in its event journal (<c>line_events</c>, event <c>call.received</c>): the caller as
/// <c>chat_jid</c>, the call id as <c>msg_id</c>, <c>video</c> or <c>audio</c> as <c>status</c> and the call's unix time
/// as <c>detail</c>; one row per call id (a replayed offer is recognised). Raises <see cref="LineDatabase.Journalled"/>
/// after a new row.
/// </summary>
/// <param name="database">The line's database (migration 0003 applied).</param>
/// <param name="time">Stamps the journal row; the system clock by default.</param>
public sealed class SqliteCallLog(LineDatabase database, TimeProvider? time = null) : ICallLog
{
    /// <summary>The journal's event name for a call.</summary>
    public const string CallReceivedEvent = "call.received";

    private const int BusyTimeoutMs = 30_000;

    /// <inheritdoc />
    public async Task<bool> RecordAsync(IncomingCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        int inserted;
        await using (connection.ConfigureAwait(false))
        {
            inserted = await connection.ExecuteAsync(new CommandDefinition(
                $"""
                PRAGMA busy_timeout = {BusyTimeoutMs};
                INSERT INTO line_events (event, chat_jid, msg_id, status, detail, created_at_ms)
                SELECT @event, @from, @callId, @kind, @at, @now
                WHERE NOT EXISTS (SELECT 1 FROM line_events WHERE event = @event AND msg_id = @callId);
                """,
                new
                {
                    @event = CallReceivedEvent,
                    from = call.From.ToString(),
                    callId = call.CallId,
                    kind = call.Video ? "video" : "audio",
                    at = call.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                    now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds(),
                },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        if (inserted > 0)
        {
            database.OnJournalled();
        }

        return inserted > 0;
    }
}
