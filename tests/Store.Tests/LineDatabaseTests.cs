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
