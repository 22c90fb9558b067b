using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Store;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests;

/// <summary>
/// A line's pooled connections and the statements prepared on them: the same results as statements made anew, the same
/// compiled statement on the next use, a transaction told to the command on every use, a failed statement (constraint,
/// full disk) leaving the connection usable, and a connection released (idle, or handed back mid-transaction) closed
/// with its statements, never handed out twice.
/// </summary>
public sealed class LineConnectionTests
{
    private const string Insert = "INSERT INTO t (k, v) VALUES (@k, @v) RETURNING id;";
    private const string Select = "SELECT v FROM t WHERE k = @k;";

    [Fact]
    public async Task A_statement_prepared_on_a_connection_is_kept_for_its_next_user_and_reads_what_a_fresh_statement_reads()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);

        LineConnection first;
        await using (first = await database.OpenConnectionAsync(default))
        {
            for (var i = 0; i < 20; i++)
            {
                using var insert = first.Statement(Insert, null).Bind("@k", $"k{i}").Bind("@v", i % 3 == 0 ? null : new byte[] { (byte)i, 2, 3 });
                Assert.Equal(i + 1, insert.Int64(default));
            }

            Assert.Equal(1, first.PreparedCount);
        }

        await using var second = await database.OpenConnectionAsync(default);
        Assert.Same(first, second);
        Assert.Equal(1, second.PreparedCount);
        var insertCommand = second.Prepare(Insert, null).Command;
        Assert.Same(insertCommand, second.Prepare(Insert, null).Command);

        for (var i = 0; i < 20; i++)
        {
            using var select = second.Statement(Select, null).Bind("@k", $"k{i}");
            var cached = select.Bytes(default);
            var fresh = await second.QuerySingleAsync<byte[]?>("SELECT v FROM t WHERE k = @k;", new { k = $"k{i}" });
            Assert.Equal(fresh, cached);
            Assert.Equal(i % 3 == 0, cached is null);
        }

        using var missing = second.Statement(Select, null).Bind("@k", "none");
        Assert.Null(missing.Bytes(default));
        Assert.Equal(2, second.PreparedCount);
    }

    [Fact]
    public async Task A_kept_statement_runs_in_the_transaction_it_is_given_each_time()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);
        await using var connection = await database.OpenConnectionAsync(default);

        await using (var rolledBack = connection.BeginTransaction())
        {
            using var insert = connection.Statement(Insert, rolledBack).Bind("@k", "gone").Bind("@v", new byte[] { 1 });
            insert.Int64(default);
            await rolledBack.RollbackAsync();
        }

        using (var outside = connection.Statement(Insert, null).Bind("@k", "kept").Bind("@v", new byte[] { 2 }))
        {
            outside.Int64(default);
        }

        await using (var committed = connection.BeginTransaction())
        {
            using var insert = connection.Statement(Insert, committed).Bind("@k", "also kept").Bind("@v", new byte[] { 3 });
            insert.Int64(default);
            await committed.CommitAsync();
        }

        Assert.Equal(["also kept", "kept"], (await connection.QueryAsync<string>("SELECT k FROM t ORDER BY k;")).ToList());
        Assert.Equal(1, connection.PreparedCount);
    }

    [Fact]
    public async Task A_statement_that_failed_on_a_constraint_runs_again_and_its_connection_stays_in_the_pool()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);

        LineConnection used;
        await using (used = await database.OpenConnectionAsync(default))
        {
            using (var insert = used.Statement(Insert, null).Bind("@k", "dup").Bind("@v", null))
            {
                insert.Int64(default);
            }

            var failure = Assert.Throws<SqliteException>(() =>
            {
                using var again = used.Statement(Insert, null).Bind("@k", "dup").Bind("@v", null);
                again.Int64(default);
            });
            Assert.Equal(19, failure.SqliteErrorCode);

            // The same failure inside a transaction: the transaction goes on and commits what else it did.
            await using var transaction = used.BeginTransaction();
            Assert.Throws<SqliteException>(() =>
            {
                using var again = used.Statement(Insert, transaction).Bind("@k", "dup").Bind("@v", null);
                again.Int64(default);
            });
            using (var other = used.Statement(Insert, transaction).Bind("@k", "after").Bind("@v", new byte[] { 9 }))
            {
                Assert.NotNull(other.Int64(default));
            }

            await transaction.CommitAsync();
        }

        Assert.Equal(1, database.IdleConnections);
        await using var next = await database.OpenConnectionAsync(default);
        Assert.Same(used, next);
        using var select = next.Statement(Select, null).Bind("@k", "after");
        Assert.Equal(new byte[] { 9 }, select.Bytes(default));
        Assert.Equal(2L, await next.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t;"));
    }

    [Fact]
    public async Task A_connection_handed_back_with_its_transaction_open_is_closed_and_what_it_did_is_rolled_back()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);

        var abandoned = await database.OpenConnectionAsync(default);
        var transaction = abandoned.BeginTransaction();
        using (var insert = abandoned.Statement(Insert, transaction).Bind("@k", "never").Bind("@v", null))
        {
            insert.Int64(default);
        }

        await abandoned.DisposeAsync();
        Assert.Equal(0, database.IdleConnections);
        Assert.Equal(System.Data.ConnectionState.Closed, abandoned.State);

        await using var next = await database.OpenConnectionAsync(default);
        Assert.NotSame(abandoned, next);
        Assert.Equal(0L, await next.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t;"));
        using var write = next.Statement(Insert, null).Bind("@k", "now").Bind("@v", null);
        Assert.NotNull(write.Int64(default));
    }

    [Fact]
    public async Task A_connection_disposed_twice_goes_back_once_so_two_users_never_share_it()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);

        var twice = await database.OpenConnectionAsync(default);
        await twice.DisposeAsync();
        await twice.DisposeAsync();
        Assert.Equal(1, database.IdleConnections);

        await using var a = await database.OpenConnectionAsync(default);
        await using var b = await database.OpenConnectionAsync(default);
        Assert.NotSame(a, b);
    }

    [Fact]
    public async Task Released_when_idle_the_connections_close_with_their_statements_and_the_next_user_gets_a_new_one_that_reads_the_same()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);

        LineConnection before;
        await using (before = await database.OpenConnectionAsync(default))
        {
            using var insert = before.Statement(Insert, null).Bind("@k", "a").Bind("@v", new byte[] { 7 });
            insert.Int64(default);
        }

        // The idle release runs on its own timer (LineDatabase.IdleRelease): wait for it, however slow the machine.
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (database.IdleConnections > 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, database.IdleConnections);
        Assert.Equal(System.Data.ConnectionState.Closed, before.State);

        await using var after = await database.OpenConnectionAsync(default);
        Assert.NotSame(before, after);
        Assert.Equal(0, after.PreparedCount);
        using var select = after.Statement(Select, null).Bind("@k", "a");
        Assert.Equal(new byte[] { 7 }, select.Bytes(default));
    }

    [Fact]
    public async Task Released_when_idle_the_database_keeps_its_wal_and_shm_files_emptied_not_deleted()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);
        await using (var connection = await database.OpenConnectionAsync(default))
        {
            for (var i = 0; i < 200; i++)
            {
                using var insert = connection.Statement(Insert, null).Bind("@k", $"w{i}").Bind("@v", new byte[2000]);
                insert.Int64(default);
            }
        }

        var wal = database.Path + "-wal";
        var shm = database.Path + "-shm";
        Assert.True(new FileInfo(wal).Length > 0, "the WAL holds the writes while the line is busy");

        // The idle release closes every handle to the file (LineDatabase.IdleRelease): SQLite checkpoints, and in
        // persistent WAL mode empties the WAL instead of deleting it, so the next use does not create both files again.
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((database.IdleConnections > 0 || new FileInfo(wal).Length > 0) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, database.IdleConnections);
        Assert.True(File.Exists(wal) && File.Exists(shm), "the -wal and -shm files are kept");
        Assert.Equal(0, new FileInfo(wal).Length);
        await using var after = await database.OpenConnectionAsync(default);
        using var count = after.Statement("SELECT count(*) FROM t WHERE k LIKE 'w%';", null);
        Assert.Equal(200L, count.Int64(default));
    }

    [Fact]
    public async Task A_full_database_refuses_a_kept_statement_and_the_same_statement_writes_once_there_is_room()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);
        await using var connection = await database.OpenConnectionAsync(default);
        var pages = await connection.ExecuteScalarAsync<long>("PRAGMA page_count;");
        await connection.ExecuteAsync($"PRAGMA max_page_count = {pages};");

        SqliteException? full = null;
        var written = 0;
        for (var i = 0; i < 1000 && full is null; i++)
        {
            try
            {
                using var insert = connection.Statement(Insert, null).Bind("@k", $"big{i}").Bind("@v", new byte[8192]);
                insert.Int64(default);
                written++;
            }
            catch (SqliteException ex)
            {
                full = ex;
            }
        }

        Assert.NotNull(full);
        Assert.True(StorageFull.Is(full), $"not a full disk: {full!.SqliteErrorCode} {full.Message}");
        Assert.Equal(written, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t;"));

        await connection.ExecuteAsync("PRAGMA max_page_count = 1073741823;");
        using (var retry = connection.Statement(Insert, null).Bind("@k", "big-retry").Bind("@v", new byte[8192]))
        {
            Assert.NotNull(retry.Int64(default));
        }

        Assert.Equal(written + 1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t;"));
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check;"));
    }

    [Fact]
    public async Task Tasks_using_the_database_at_once_each_get_a_connection_of_their_own()
    {
        using var folder = new TempFolder();
        using var database = await OpenAsync(folder);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await using var connection = await database.OpenConnectionAsync(default);
                await using var transaction = connection.BeginTransaction(deferred: false);
                using (var insert = connection.Statement(Insert, transaction).Bind("@k", $"w{worker}-{i}").Bind("@v", new byte[] { (byte)worker }))
                {
                    insert.Int64(default);
                }

                using (var select = connection.Statement(Select, transaction).Bind("@k", $"w{worker}-{i}"))
                {
                    Assert.Equal(new byte[] { (byte)worker }, select.Bytes(default));
                }

                await transaction.CommitAsync();
            }
        })));

        await using var check = await database.OpenConnectionAsync(default);
        Assert.Equal(400L, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t;"));
        Assert.InRange(database.IdleConnections, 0, LineConnectionPool.MaxIdle);
    }

    [Fact]
    public async Task On_a_plain_connection_a_statement_is_made_for_one_use()
    {
        using var folder = new TempFolder();
        await using var plain = new SqliteConnection($"Data Source={Path.Combine(folder.Path, "plain.db")};Pooling=False");
        await plain.OpenAsync();
        await plain.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE NOT NULL, v BLOB);");
        SqliteCommand command;
        using (var insert = plain.Statement(Insert, null).Bind("@k", "x").Bind("@v", null))
        {
            command = insert.Command;
            Assert.Equal(1L, insert.Int64(default));
        }

        using var again = plain.Statement(Insert, null).Bind("@k", "y").Bind("@v", null);
        Assert.NotSame(command, again.Command);
        Assert.Equal(2L, again.Int64(default));
    }

    private static async Task<LineDatabase> OpenAsync(TempFolder folder)
    {
        var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), SqliteSynchronous.Normal, default);
        await using var connection = await database.OpenConnectionAsync(default);
        await connection.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE NOT NULL, v BLOB);");
        return database;
    }
}
