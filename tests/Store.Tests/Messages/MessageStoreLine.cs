using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Store.Messages;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Messages;

/// <summary>A fresh line database in its own temporary folder with a message store over it, and raw reads for assertions.</summary>
internal sealed class MessageStoreLine : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private MessageStoreLine(TempFolder folder, LineDatabase database, SqliteMessageStore store)
    {
        _folder = folder;
        Database = database;
        Store = store;
    }

    public LineDatabase Database { get; }

    public SqliteMessageStore Store { get; }

    public static async Task<MessageStoreLine> OpenAsync(TimeProvider? time = null)
    {
        var folder = new TempFolder();
        var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        return new MessageStoreLine(folder, database, new SqliteMessageStore(database, time));
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync(default);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null, string? column = null)
    {
        await using var connection = await Database.OpenConnectionAsync(default);
        if (column is null)
        {
            return (await connection.QueryAsync<T>(sql, parameters)).ToList();
        }

        var rows = await connection.QueryAsync(sql, parameters);
        return rows.Select(r => (T)((IDictionary<string, object>)r)[column]).ToList();
    }

    public async Task<IReadOnlyList<JournalRow>> JournalAsync()
    {
        await using var connection = await Database.OpenConnectionAsync(default);
        return (await connection.QueryAsync<JournalRow>(
            "SELECT event AS Event, chat_jid AS ChatJid, msg_id AS MsgId, message_seq AS MessageSeq, status AS Status, detail AS Detail, created_at_ms AS CreatedAtMs FROM line_events ORDER BY seq;"))
            .ToList();
    }

    public ValueTask DisposeAsync()
    {
        Database.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
