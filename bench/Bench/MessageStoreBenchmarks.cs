using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;
using WaEngine.Store;
using WaEngine.Store.Messages;

namespace WaEngine.Bench;

/// <summary>
/// SqliteMessageStore on a line holding 100,000 inbound messages over 500 chats (seeded by raw inserts in one
/// transaction): the chat's history page, the newest messages, the chat list, and storing one more inbound message
/// (own connection and transaction, chat, contact and journal rows, committed to a WAL file). Each save adds a message,
/// so the line ends the run somewhat above 100,000.
/// </summary>
[MemoryDiagnoser]
public class MessageStoreBenchmarks
{
    private const int Messages = 100_000;
    private const int Chats = 500;
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private static readonly byte[] Content = [0x0A, 0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F];
    private string _folder = "";
    private LineDatabase _database = null!;
    private SqliteMessageStore _store = null!;
    private int _next;

    /// <summary>Creates the line database in a temporary folder and seeds it.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "waengine-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _database = await LineDatabase.OpenAsync(Path.Combine(_folder, "line.db"), default);
        _store = new SqliteMessageStore(_database);
        await SeedAsync(_database);
        _next = Messages;
    }

    /// <summary>Closes the database and deletes its folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The floor under every store call: open a connection to the line's file (no pool) and close it.</summary>
    [Benchmark]
    public async Task OpenConnectionAsync()
    {
        var connection = await _database.OpenConnectionAsync(default);
        await connection.DisposeAsync();
    }

    /// <summary>The newest 50 messages of one chat (of 200).</summary>
    [Benchmark]
    public Task<IReadOnlyList<MessageRecord>> HistoryAsync() => _store.HistoryAsync(ChatJid(7), 50, default);

    /// <summary>The newest 20 messages of the line.</summary>
    [Benchmark]
    public Task<IReadOnlyList<MessageRecord>> RecentAsync() => _store.RecentAsync(20, default);

    /// <summary>The 100 most recently active chats.</summary>
    [Benchmark]
    public Task<IReadOnlyList<ChatSummary>> ListChatsAsync() => _store.ListChatsAsync(100, default);

    /// <summary>One new inbound text message in its own transaction.</summary>
    [Benchmark]
    public Task<bool> SaveInboundAsync()
    {
        var index = _next++;
        var chat = ChatJid(index % Chats);
        return _store.SaveInboundAsync(
            null,
            new MessageRecord
            {
                MsgId = MsgId(index),
                ChatJid = chat,
                FromMe = false,
                SenderJid = chat,
                Type = "text",
                Body = "hello",
                Content = Content,
                PushName = "Peer",
                Timestamp = Start.AddSeconds(index),
                Status = MessageStatus.Received,
            },
            default);
    }

    private static string ChatJid(int chat) => $"1555{chat:D7}@s.whatsapp.net";

    private static string MsgId(int index) => $"SEED{index:D7}";

    private static async Task SeedAsync(LineDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync(default);
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO messages (msg_id, chat_jid, from_me, sender_key, sender_jid, type, body, content, push_name, timestamp_ms, status, updated_at_ms)
            VALUES ($id, $chat, 0, $chat, $chat, 'text', 'hello', $content, 'Peer', $at, $status, $at);
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var chat = insert.Parameters.Add("$chat", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        insert.Parameters.AddWithValue("$content", Content);
        insert.Parameters.AddWithValue("$status", (long)MessageStatus.Received);
        insert.Prepare();
        for (var i = 0; i < Messages; i++)
        {
            id.Value = MsgId(i);
            chat.Value = ChatJid(i % Chats);
            at.Value = Start.AddSeconds(i).ToUnixTimeMilliseconds();
            await insert.ExecuteNonQueryAsync();
        }

        await using var derive = connection.CreateCommand();
        derive.Transaction = transaction;
        derive.CommandText = """
            INSERT INTO chats (jid, name, is_group, last_msg_at_ms, unread)
            SELECT chat_jid, 'Peer', 0, MAX(timestamp_ms), COUNT(*) FROM messages GROUP BY chat_jid;
            """;
        await derive.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
