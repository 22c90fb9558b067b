using Dapper;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Journal;

/// <summary>
/// Appends a line's status changes to its event journal (<c>line_events</c>, event <c>session.status</c>) in the line's
/// own database, one committed row per change (its reason and, for a temporary ban, its end: <see cref="StatusDetail"/>),
/// and raises <see cref="LineDatabase.Journalled"/> after each.
/// </summary>
/// <param name="database">The line's database (migration 0003 applied).</param>
public sealed class SqliteStatusJournal(LineDatabase database) : IStatusJournal
{
    /// <summary>How long the append waits for another connection's write lock before failing (SQLite's busy handler).</summary>
    private const int BusyTimeoutMs = 30_000;

    /// <inheritdoc />
    public async Task AppendAsync(LineStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                PRAGMA busy_timeout = {BusyTimeoutMs};
                INSERT INTO line_events (event, status, detail, created_at_ms) VALUES ('session.status', @status, @reason, @at);
                """,
                new { status = change.To.ToName(), reason = StatusDetail.Compose(change.Reason, change.Until), at = change.At.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        database.OnJournalled();
    }
}
