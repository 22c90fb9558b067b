using Dapper;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>Signed prekeys in <c>signal_signed_prekey</c>.</summary>
public sealed class SqliteSignedPreKeyStore : ISignedPreKeyStore
{
    private readonly LineDatabase _database;

    /// <summary>Creates the store over a line's database.</summary>
    public SqliteSignedPreKeyStore(LineDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc />
    public async Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint id, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                "SELECT public_key AS PublicKey, private_key AS PrivateKey, signature AS Signature FROM signal_signed_prekey WHERE id = @id;",
                new { id = (long)id },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null ? null : new SignedPreKeyRecord(id, new KeyPair(row.PublicKey, row.PrivateKey), row.Signature);
        }
    }

    /// <inheritdoc />
    public async Task StoreSignedPreKeyAsync(SignedPreKeyRecord signedPreKey, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO signal_signed_prekey (id, public_key, private_key, signature) VALUES (@id, @pub, @priv, @sig);",
                new
                {
                    id = (long)signedPreKey.Id,
                    pub = signedPreKey.KeyPair.PublicKey,
                    priv = signedPreKey.KeyPair.PrivateKey,
                    sig = signedPreKey.Signature,
                },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private sealed record Row(byte[] PublicKey, byte[] PrivateKey, byte[] Signature);
}
