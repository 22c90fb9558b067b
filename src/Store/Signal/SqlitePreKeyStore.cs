using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>One-time prekeys in <c>signal_prekey</c>.</summary>
public sealed class SqlitePreKeyStore : IPreKeyStore
{
    private readonly LineDatabase _database;

    /// <summary>Creates the store over a line's database.</summary>
    public SqlitePreKeyStore(LineDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc />
    public async Task<PreKeyRecord?> LoadPreKeyAsync(uint id, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                "SELECT public_key AS PublicKey, private_key AS PrivateKey FROM signal_prekey WHERE id = @id;",
                new { id = (long)id },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null ? null : new PreKeyRecord(id, new KeyPair(row.PublicKey, row.PrivateKey));
        }
    }

    /// <inheritdoc />
    public async Task StorePreKeysAsync(IReadOnlyList<PreKeyRecord> preKeys, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var preKey in preKeys)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT OR REPLACE INTO signal_prekey (id, public_key, private_key) VALUES (@id, @pub, @priv);",
                        new { id = (long)preKey.Id, pub = preKey.KeyPair.PublicKey, priv = preKey.KeyPair.PrivateKey },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task RemovePreKeyAsync(uint id, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await DeleteAsync(connection, null, id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<int> CountPreKeysAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM signal_prekey;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    internal static Task DeleteAsync(SqliteConnection connection, SqliteTransaction? transaction, uint id, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement("DELETE FROM signal_prekey WHERE id = @id;", transaction).Bind("@id", (long)id);
        statement.Execute(cancellationToken);
        return Task.CompletedTask;
    }

    private sealed record Row(byte[] PublicKey, byte[] PrivateKey);
}
