using Dapper;
using WaEngine.Store;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests;

public sealed class LineDatabaseTests
{
    [Fact]
    public async Task MigrationsApplyOnceAndReopeningIsIdempotent()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "line.db");
        for (var i = 0; i < 3; i++)
        {
            using var database = await LineDatabase.OpenAsync(path, default);
            await using var connection = await database.OpenConnectionAsync(default);
            var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version;")).ToList();
            Assert.Equal(Migrations.All(typeof(Migrations).Assembly, Migrations.LinePrefix).Count, versions.Count);
            Assert.Equal(1, versions[0]);
            Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'signal_session';"));
        }
    }

    [Theory]
    [InlineData(SqliteSynchronous.Full, 2)]
    [InlineData(SqliteSynchronous.Normal, 1)]
    public async Task Every_connection_commits_as_durably_as_the_database_was_opened(SqliteSynchronous durability, long synchronous)
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), durability, default);

        // The setting is per connection: a second one open at the same time (a new pooled one) has it as well.
        await using var first = await database.OpenConnectionAsync(default);
        await using var second = await database.OpenConnectionAsync(default);
        Assert.Equal(synchronous, await first.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
        Assert.Equal(synchronous, await second.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
    }

    [Fact]
    public void MigrationsAreNumberedInOrder()
    {
        var all = Migrations.All(typeof(Migrations).Assembly, Migrations.LinePrefix);
        Assert.NotEmpty(all);
        Assert.Equal("0001_signal", all[0].Name);
        for (var i = 1; i < all.Count; i++)
        {
            Assert.True(all[i].Version > all[i - 1].Version);
        }
    }
}
