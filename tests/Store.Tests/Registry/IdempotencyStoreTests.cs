using WaEngine.Store.Registry;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Registry;

public class IdempotencyStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_kept_answer_survives_a_reopen_within_its_scope_until_it_expires()
    {
        using var data = new TempFolder();
        var registry = await LineRegistry.OpenAsync(data.Path, TimeProvider.System, CancellationToken.None);
        var record = new IdempotencyRecord("hash-1", 202, "application/json; charset=utf-8", "{\"queued\":true}"u8.ToArray(), Now, Now.AddHours(24));
        await registry.Idempotency.SaveAsync("line:1", "key-1", record, CancellationToken.None);

        var reopened = await LineRegistry.OpenAsync(data.Path, TimeProvider.System, CancellationToken.None);
        var found = await reopened.Idempotency.FindAsync("line:1", "key-1", Now.AddHours(23), CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(("hash-1", 202, "application/json; charset=utf-8"), (found.RequestHash, found.Status, found.ContentType));
        Assert.Equal(record.Body, found.Body);
        Assert.Equal(record.ExpiresAt, found.ExpiresAt);

        Assert.Null(await reopened.Idempotency.FindAsync("line:2", "key-1", Now, CancellationToken.None));
        Assert.Null(await reopened.Idempotency.FindAsync("admin", "key-1", Now, CancellationToken.None));
        Assert.Null(await reopened.Idempotency.FindAsync("line:1", "key-1", Now.AddHours(24), CancellationToken.None));
    }

    [Fact]
    public async Task Saving_replaces_an_expired_record_and_sweeps_expired_ones()
    {
        using var data = new TempFolder();
        var registry = await LineRegistry.OpenAsync(data.Path, TimeProvider.System, CancellationToken.None);
        await registry.Idempotency.SaveAsync("admin", "old", new IdempotencyRecord("a", 201, null, [1], Now, Now.AddMinutes(1)), CancellationToken.None);
        await registry.Idempotency.SaveAsync("admin", "k", new IdempotencyRecord("a", 201, null, [1], Now, Now.AddMinutes(1)), CancellationToken.None);
        var later = Now.AddMinutes(2);
        await registry.Idempotency.SaveAsync("admin", "k", new IdempotencyRecord("b", 200, null, [2], later, later.AddMinutes(1)), CancellationToken.None);

        var replaced = await registry.Idempotency.FindAsync("admin", "k", later, CancellationToken.None);
        Assert.Equal(("b", 200), (replaced!.RequestHash, replaced.Status));
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data.Path, "waengine.db")}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM idempotency";
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }
}
