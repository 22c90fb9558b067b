using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Signal;

/// <summary>
/// A decrypt and the ratchet state it advances commit together with the message handoff (here an inbox row written
/// through the same transaction). A crash before commit leaves neither, so the redelivered ciphertext decrypts again;
/// after commit, the redelivery is a duplicate.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => Path.Combine(_folder.Path, "bob.db");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrashBetweenDecryptAndCommitLeavesMessageDecryptable(bool failInsideTransaction)
    {
        var alice = await LineParty.InMemoryAsync("alice");
        var database = await OpenAsync();
        var bob = await LineParty.CreateAsync("bob", new SqliteSignalStore(database));
        await alice.Store.CommitAsync(await alice.Sessions.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync(1), default), default);
        var first = await alice.EncryptAsync(bob, Text("first"));
        var second = await alice.EncryptAsync(bob, Text("second"));

        var store = (SqliteSignalStore)bob.Store;
        var decrypted = await bob.Sessions.DecryptAsync(alice.Address, first.Type, first.Ciphertext, default);
        Assert.Equal("first", Encoding.UTF8.GetString(decrypted.Plaintext));
        await using (var transaction = await store.BeginSqliteTransactionAsync(default))
        {
            await transaction.ApplyAsync(decrypted.Changes, default);
            await InsertInboxAsync(transaction, "m1", decrypted.Plaintext);
            if (failInsideTransaction)
            {
                await Assert.ThrowsAsync<SqliteException>(() => InsertInboxAsync(transaction, "m1", decrypted.Plaintext));
            }

            // The process dies here: the transaction is disposed without a commit.
        }

        database.Dispose();
        database = await OpenAsync();
        bob.Reattach(new SqliteSignalStore(database));
        Assert.Equal(0, await InboxCountAsync(database));
        Assert.NotNull(await bob.Store.PreKeys.LoadPreKeyAsync(1, default));

        var again = await bob.Sessions.DecryptAsync(alice.Address, first.Type, first.Ciphertext, default);
        Assert.Equal("first", Encoding.UTF8.GetString(again.Plaintext));
        await using (var transaction = await ((SqliteSignalStore)bob.Store).BeginSqliteTransactionAsync(default))
        {
            await transaction.ApplyAsync(again.Changes, default);
            await InsertInboxAsync(transaction, "m1", again.Plaintext);
            await transaction.CommitAsync(default);
        }

        Assert.Null(await bob.Store.PreKeys.LoadPreKeyAsync(1, default));
        Assert.Equal("second", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, second)));
        var reply = await bob.EncryptAsync(alice, Text("reply"));
        Assert.Equal("reply", Encoding.UTF8.GetString(await alice.DecryptAsync(bob, reply)));
        var third = await alice.EncryptAsync(bob, Text("third"));
        Assert.Equal(SignalMessageType.Whisper, third.Type);
        Assert.Equal("third", Encoding.UTF8.GetString(await bob.DecryptAsync(alice, third)));
        database.Dispose();
    }

    [Fact]
    public async Task CommittedDecryptThenRedeliveryIsDuplicate()
    {
        var alice = await LineParty.InMemoryAsync("alice");
        var database = await OpenAsync();
        var bob = await LineParty.CreateAsync("bob", new SqliteSignalStore(database));
        await alice.Store.CommitAsync(await alice.Sessions.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync(2), default), default);
        var first = await alice.EncryptAsync(bob, Text("first"));
        await bob.DecryptAsync(alice, first);
        var reply = await bob.EncryptAsync(alice, Text("reply"));
        await alice.DecryptAsync(bob, reply);
        var whisper = await alice.EncryptAsync(bob, Text("whisper"));

        var decrypted = await bob.Sessions.DecryptAsync(alice.Address, whisper.Type, whisper.Ciphertext, default);
        await using (var transaction = await ((SqliteSignalStore)bob.Store).BeginSqliteTransactionAsync(default))
        {
            await transaction.ApplyAsync(decrypted.Changes, default);
            await InsertInboxAsync(transaction, "w1", decrypted.Plaintext);
            await transaction.CommitAsync(default);
        }

        database.Dispose();
        database = await OpenAsync();
        bob.Reattach(new SqliteSignalStore(database));
        var duplicate = await Assert.ThrowsAsync<SignalException>(
            () => bob.Sessions.DecryptAsync(alice.Address, whisper.Type, whisper.Ciphertext, default));
        Assert.Equal(SignalErrorKind.Duplicate, duplicate.Kind);
        var duplicatePreKey = await Assert.ThrowsAsync<SignalException>(
            () => bob.Sessions.DecryptAsync(alice.Address, first.Type, first.Ciphertext, default));
        Assert.Equal(SignalErrorKind.Duplicate, duplicatePreKey.Kind);
        Assert.Equal(1, await InboxCountAsync(database));
        database.Dispose();
    }

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private async Task<LineDatabase> OpenAsync()
    {
        var database = await LineDatabase.OpenAsync(DbPath, default);
        await using var connection = await database.OpenConnectionAsync(default);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS test_inbox (id TEXT PRIMARY KEY, plaintext BLOB NOT NULL);");
        return database;
    }

    private static Task InsertInboxAsync(SqliteSignalTransaction transaction, string id, byte[] plaintext) =>
        transaction.Connection.ExecuteAsync(
            "INSERT INTO test_inbox (id, plaintext) VALUES (@id, @plaintext);", new { id, plaintext }, transaction.Transaction);

    private static async Task<long> InboxCountAsync(LineDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync(default);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM test_inbox;");
    }
}
