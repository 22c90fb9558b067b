using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>A line's reply routing states (CONTRACT §3c), in its own database. An expired state reads as absent.</summary>
public sealed class ReplyStateStore(LineDatabase database)
{
    /// <summary>Sets (or replaces) the contact's state.</summary>
    public async Task SetAsync(ReplyState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await UpsertAsync(connection, null, state, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets the state inside <paramref name="transaction"/> (a send that carries it commits both together).</summary>
    internal static Task UpsertAsync(SqliteConnection connection, SqliteTransaction? transaction, ReplyState state, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO reply_states (contact_jid, handler, context, expires_at_ms) VALUES (@jid, @handler, @context, @expires)
            ON CONFLICT (contact_jid) DO UPDATE SET handler = excluded.handler, context = excluded.context, expires_at_ms = excluded.expires_at_ms;
            """,
            new { jid = state.ContactJid, handler = state.Handler, context = state.ContextJson, expires = state.ExpiresAt.ToUnixTimeMilliseconds() },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>The contact's state, or null when there is none or it expired by <paramref name="now"/>.</summary>
    public async Task<ReplyState?> FindAsync(string contactJid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                "SELECT handler AS Handler, context AS Context, expires_at_ms AS ExpiresAtMs FROM reply_states WHERE contact_jid = @jid AND expires_at_ms > @now;",
                new { jid = contactJid, now = now.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null ? null : new ReplyState(contactJid, row.Handler, row.Context, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAtMs));
        }
    }

    /// <summary>Removes the contact's state; false when it had none (or only an expired one).</summary>
    public async Task<bool> DeleteAsync(string contactJid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var live = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM reply_states WHERE contact_jid = @jid AND expires_at_ms > @now;",
                new { jid = contactJid, now = now.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM reply_states WHERE contact_jid = @jid;", new { jid = contactJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return live > 0;
        }
    }

    /// <summary>Removes every state expired by <paramref name="now"/>; returns how many.</summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM reply_states WHERE expires_at_ms <= @now;", new { now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private sealed class Row
    {
        public string Handler { get; init; } = "";

        public string? Context { get; init; }

        public long ExpiresAtMs { get; init; }
    }
}
