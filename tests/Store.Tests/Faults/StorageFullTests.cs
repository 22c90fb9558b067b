using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;
using WaEngine.Store.Messages;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Faults;

/// <summary>
/// A line's database on a full disk: the write is refused with an error <see cref="StorageFull"/> recognises, nothing
/// already stored is lost or damaged, and the same write succeeds once space returns. The disk is a small tmpfs when the
/// test may mount one (root, as CI runs); otherwise SQLite's own page cap makes the file "full" (the same SQLITE_FULL).
/// </summary>
public sealed class StorageFullTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task A_full_disk_refuses_the_write_with_storage_full_keeps_what_was_stored_and_takes_it_once_space_returns()
    {
        using var folder = new TempFolder();
        var disk = Path.Combine(folder.Path, "disk");
        using var small = SmallDisk.TryMount(disk, 4);
        var mounted = small is not null;
        var database = await LineDatabase.OpenAsync(Path.Combine(disk, "line.db"), default);
        var store = new SqliteMessageStore(database);
        Assert.True(await store.SaveInboundAsync(null, Inbound("kept", 0), default));

        // Fill the disk: a ballast file on the tmpfs, or a page cap at the database's size.
        SqliteConnection? capped = null;
        if (mounted)
        {
            var refused = small!.Fill();
            Assert.True(StorageFull.Is(refused), $"ENOSPC not recognised: {refused.HResult} {refused.Message}");

            // SQLite calls a failure to make its shared-memory file an I/O error: on a full disk that is full too.
            Assert.True(StorageFull.Is(new SqliteException("disk I/O error", StorageFull.SqliteIoErrorCode), disk));
        }
        else
        {
            capped = await database.OpenConnectionAsync(default);
            var pages = await capped.ExecuteScalarAsync<long>("PRAGMA page_count;");
            await capped.ExecuteAsync($"PRAGMA max_page_count = {pages};");
            await capped.DisposeAsync();
        }

        // Writes go on until one is refused (the last free pages may still take a few); each refused one stores nothing.
        var saved = new List<string> { "kept" };
        Exception? full = null;
        for (var i = 1; i <= 500 && full is null; i++)
        {
            try
            {
                await store.SaveInboundAsync(null, Inbound("m" + i, 16 * 1024), default);
                saved.Add("m" + i);
            }
            catch (SqliteException ex)
            {
                full = ex;
            }
        }

        Assert.NotNull(full);
        Assert.True(StorageFull.Is(full), $"SQLITE_FULL not recognised: {((SqliteException)full).SqliteErrorCode} {full.Message}");
        var refusedId = "m" + saved.Count;
        Assert.Null(await store.FindAsync(refusedId, default));
        foreach (var id in saved)
        {
            Assert.NotNull(await store.FindAsync(id, default));
        }

        // Space returns: the same write is taken, and the file is sound.
        if (mounted)
        {
            small!.Release();
            Assert.False(StorageFull.Is(new SqliteException("disk I/O error", StorageFull.SqliteIoErrorCode), disk));
        }
        else
        {
            await using var raised = await database.OpenConnectionAsync(default);
            await raised.ExecuteAsync("PRAGMA max_page_count = 1073741823;");
        }

        Assert.True(await store.SaveInboundAsync(null, Inbound(refusedId, 16 * 1024), default));
        Assert.Equal(16 * 1024, (await store.FindAsync(refusedId, default))!.Body!.Length);
        await using (var check = await database.OpenConnectionAsync(default))
        {
            Assert.Equal("ok", await check.ExecuteScalarAsync<string>("PRAGMA integrity_check;"));
            Assert.Equal(saved.Count + 1, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages;"));
        }

        database.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private static MessageRecord Inbound(string id, int size) => new()
    {
        MsgId = id,
        ChatJid = "15550001111@s.whatsapp.net",
        FromMe = false,
        SenderJid = "15550001111@s.whatsapp.net",
        Type = "text",
        Body = id.PadRight(Math.Max(size, id.Length), 'x'),
        Content = [1, 2, 3],
        Timestamp = T0,
        Status = MessageStatus.Received,
    };
}
