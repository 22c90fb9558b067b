using Dapper;
using WaEngine.Engine.Crypto;

namespace WaEngine.Sandbox.Storage;

/// <summary>The sandbox server's long-term key pairs (Noise root, intermediate and static), made once per data folder.</summary>
public static class ServerKeyStore
{
    /// <summary>Returns the named key pair, generating and storing it on first use.</summary>
    public static async Task<KeyPair> LoadOrCreateAsync(SandboxDatabase database, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<(byte[] Public, byte[] Private)?>(
            "SELECT public_key, private_key FROM server_keys WHERE name = @name", new { name }).ConfigureAwait(false);
        if (row is { } existing)
        {
            return new KeyPair(existing.Public, existing.Private);
        }

        var pair = Curve25519.GenerateKeyPair();
        await connection.ExecuteAsync(
            "INSERT OR IGNORE INTO server_keys (name, public_key, private_key) VALUES (@name, @pub, @priv)",
            new { name, pub = pair.PublicKey, priv = pair.PrivateKey }).ConfigureAwait(false);

        // Another starter may have won the race: the stored row is the truth.
        var stored = await connection.QuerySingleAsync<(byte[] Public, byte[] Private)>(
            "SELECT public_key, private_key FROM server_keys WHERE name = @name", new { name }).ConfigureAwait(false);
        return new KeyPair(stored.Public, stored.Private);
    }
}
