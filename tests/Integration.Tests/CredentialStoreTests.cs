using Microsoft.Data.Sqlite;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>The SQLite credential store: whole-record round trip, wipe of credentials and Signal keys only, the run flag.</summary>
public sealed class CredentialStoreTests
{
    [Fact]
    public async Task SavesAndLoadsEveryFieldAndWipesCredentialsAndSignalKeysOnly()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), CancellationToken.None);
        var store = new SqliteCredentialStore(database);
        var signal = new SqliteSignalStore(database);
        Assert.Null(await store.LoadAsync(CancellationToken.None));

        var generator = new SignalKeyGenerator();
        var created = DeviceCredentials.Create(generator) with
        {
            Me = "15550001111:3@s.whatsapp.net",
            Lid = "100000000000001:3@lid",
            Platform = "android",
            AccountIdentity = [1, 2, 3],
            NextPreKeyId = 0xFFFFFF,
        };
        await store.SaveAsync(created, CancellationToken.None);
        var loaded = (await store.LoadAsync(CancellationToken.None))!;
        Assert.Equal(created.NoiseKey.PrivateKey, loaded.NoiseKey.PrivateKey);
        Assert.Equal(created.IdentityKey.PublicKey, loaded.IdentityKey.PublicKey);
        Assert.Equal(created.RegistrationId, loaded.RegistrationId);
        Assert.Equal(created.SignedPreKey.Signature, loaded.SignedPreKey.Signature);
        Assert.Equal(created.AdvSecret, loaded.AdvSecret);
        Assert.Equal((created.Me, created.Lid, created.Platform, created.NextPreKeyId), (loaded.Me, loaded.Lid, loaded.Platform, loaded.NextPreKeyId));
        Assert.Equal(created.AccountIdentity, loaded.AccountIdentity);
        Assert.True(loaded.IsPaired);

        await signal.PreKeys.StorePreKeysAsync(generator.GeneratePreKeys(1, 3), CancellationToken.None);
        await signal.Identities.SaveLocalIdentityAsync(created.SignalIdentity, CancellationToken.None);
        await store.SetDesiredRunningAsync(true, CancellationToken.None);
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
        {
            await Execute(connection, "CREATE TABLE history (body TEXT); INSERT INTO history VALUES ('kept');");
        }

        await store.WipeAsync(CancellationToken.None);

        Assert.Null(await store.LoadAsync(CancellationToken.None));
        Assert.Equal(0, await signal.PreKeys.CountPreKeysAsync(CancellationToken.None));
        Assert.Null(await signal.Identities.GetLocalIdentityAsync(CancellationToken.None));
        Assert.True(await store.GetDesiredRunningAsync(CancellationToken.None));
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT body FROM history;";
            Assert.Equal("kept", await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task TheRunFlagDefaultsToFalseAndSurvivesReopening()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "line.db");
        using (var database = await LineDatabase.OpenAsync(path, CancellationToken.None))
        {
            var store = new SqliteCredentialStore(database);
            Assert.False(await store.GetDesiredRunningAsync(CancellationToken.None));
            await store.SetDesiredRunningAsync(true, CancellationToken.None);
        }

        using (var database = await LineDatabase.OpenAsync(path, CancellationToken.None))
        {
            Assert.True(await new SqliteCredentialStore(database).GetDesiredRunningAsync(CancellationToken.None));
        }
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
