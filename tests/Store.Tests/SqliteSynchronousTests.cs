using Dapper;
using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests;

/// <summary>Store__Synchronous: the line databases' connections run with the chosen <c>synchronous</c>, pooled ones too.</summary>
public sealed class SqliteSynchronousTests
{
    [Theory]
    [InlineData(SqliteSynchronous.Full, 2)]
    [InlineData(SqliteSynchronous.Normal, 1)]
    public async Task Every_connection_of_a_line_database_commits_as_configured(SqliteSynchronous synchronous, long expected)
    {
        using var folder = new TempFolder();
        using var databases = new LineDatabases(folder.Path, synchronous);
        var database = await databases.OpenAsync(new LineId(3), default);
        Assert.Equal(synchronous, database.Synchronous);

        // Two connections open at once (two pooled handles), then both again from the pool.
        for (var round = 0; round < 2; round++)
        {
            await using var first = await database.OpenConnectionAsync(default);
            await using var second = await database.OpenConnectionAsync(default);
            Assert.Equal(expected, await first.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
            Assert.Equal(expected, await second.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
            Assert.Equal("wal", await first.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
        }
    }

    [Fact]
    public void Line_databases_wait_for_the_disk_on_every_commit_unless_told_otherwise()
    {
        using var folder = new TempFolder();
        using var databases = new LineDatabases(folder.Path);
        Assert.Equal(SqliteSynchronous.Full, databases.Synchronous);
    }
}
