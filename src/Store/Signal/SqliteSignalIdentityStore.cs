using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>Our identity and trusted peer identities in <c>signal_local_identity</c> / <c>signal_remote_identity</c>.</summary>
public sealed class SqliteSignalIdentityStore : ISignalIdentityStore
{
    private readonly LineDatabase _database;

    /// <summary>Creates the store over a line's database.</summary>
    public SqliteSignalIdentityStore(LineDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc />
    public async Task<SignalIdentity?> GetLocalIdentityAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<LocalRow>(new CommandDefinition(
                "SELECT public_key AS PublicKey, private_key AS PrivateKey, registration_id AS RegistrationId FROM signal_local_identity WHERE id = 1;",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null ? null : new SignalIdentity(new KeyPair(row.PublicKey, row.PrivateKey), checked((uint)row.RegistrationId));
        }
    }

    /// <inheritdoc />
    public async Task SaveLocalIdentityAsync(SignalIdentity identity, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO signal_local_identity (id, public_key, private_key, registration_id) VALUES (1, @pub, @priv, @reg);",
                new { pub = identity.KeyPair.PublicKey, priv = identity.KeyPair.PrivateKey, reg = (long)identity.RegistrationId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetRemoteIdentityAsync(SignalAddress address, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var statement = connection.Statement("SELECT identity_key FROM signal_remote_identity WHERE address = @address;", null)
                .Bind("@address", address.ToString());
            return statement.Bytes(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task SaveRemoteIdentityAsync(SignalAddress address, byte[] identityKey, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await WriteRemoteAsync(connection, null, address, identityKey, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static Task WriteRemoteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, SignalAddress address, byte[] identityKey, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement("INSERT OR REPLACE INTO signal_remote_identity (address, identity_key) VALUES (@address, @key);", transaction)
            .Bind("@address", address.ToString())
            .Bind("@key", identityKey);
        statement.Execute(cancellationToken);
        return Task.CompletedTask;
    }

    private sealed record LocalRow(byte[] PublicKey, byte[] PrivateKey, long RegistrationId);
}
