using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Api.Tests.Messages;

/// <summary>
/// Sends from many concurrent callers are stored several to a transaction (the line takes every send waiting in its
/// mailbox at once), written several at a time, and their statuses (sent, server ack, receipts) are stored in batches.
/// The order within each chat is the order the line stored them in, and a SIGKILL in the middle of all that loses no
/// send the API accepted, whether each commit waits for the disk or not (<c>Store__Synchronous</c>).
/// </summary>
public sealed class GroupCommitSendTests(ITestOutputHelper output)
{
    private const int Callers = 12;

    private static readonly Dictionary<string, string> Unlimited = new()
    {
        // The per-token limit would pace the callers; here they must arrive together.
        ["Api__RateLimit__SendsPerSecond"] = "100000",
        ["Api__RateLimit__SendBurst"] = "100000",
    };

    [Fact]
    public async Task Concurrent_callers_to_the_same_chats_get_their_texts_delivered_in_the_stored_order_per_chat()
    {
        const string linePhone = "15550220000";
        string[] peers = ["15550220001", "15550220002", "15550220003"];
        const int total = 90;
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], environment: Unlimited);
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "group-commit-order", start: true);
        await ApiClients.PairAsync(service, admin, id, token, linePhone);
        foreach (var peer in peers)
        {
            await ApiClients.AddPhoneAsync(service, peer);
        }

        using var line = ApiClients.Line(service, token);
        var next = -1;
        var accepted = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n < total; n = Interlocked.Increment(ref next))
            {
                var answer = await line.PostAsJsonAsync("/api/messages/send", new { to = peers[n % peers.Length], text = $"text {n}" });
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
                accepted.Add((await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>());
            }
        }));

        var stored = await StoredOutboundAsync(Path.Combine(data.Path, "lines", $"{id}.db"));
        Assert.Equal(accepted.Order(), stored.Select(s => s.MsgId).Order());
        foreach (var peer in peers)
        {
            var queued = stored.Where(s => s.ChatJid == $"{peer}@s.whatsapp.net").Select(s => s.MsgId).ToList();
            Assert.Equal(total / peers.Length, queued.Count);
            var inbox = await ApiClients.PollAsync(async () =>
            {
                var received = await ApiClients.PhoneInboxAsync(service, peer);
                return received.Count >= queued.Count ? received : null;
            }, $"{queued.Count} texts at {peer}", seconds: 120);

            // Every text once, in the order the line stored (queued) them, however many were in flight together.
            Assert.Equal(queued, inbox.Select(m => m!["msg_id"]!.GetValue<string>()).ToList());
        }

        // The statuses written in batches reach their end: each text delivered (or read), each move journalled once and in
        // order (the sandbox's virtual phone may send its delivery receipt before the server's ack reaches the line).
        foreach (var msgId in accepted)
        {
            await ApiClients.PollAsync(async () =>
            {
                var view = await line.GetFromJsonAsync<JsonNode>($"/api/messages/{msgId}");
                return view!["status"]!.GetValue<string>() is "delivery_ack" or "read" ? "ok" : null;
            }, $"{msgId} delivered", seconds: 60);
        }

        var journal = await JournalledStatusesAsync(Path.Combine(data.Path, "lines", $"{id}.db"));
        string[] forward = ["queued", "sending", "sent", "server_ack", "delivery_ack", "read"];
        Assert.All(accepted, msgId =>
        {
            var moves = journal[msgId];
            Assert.Equal(["queued", "sending", "sent"], moves.Take(3));
            Assert.Contains("delivery_ack", moves);
            Assert.Equal(moves.Order(Comparer<string>.Create((a, b) => Array.IndexOf(forward, a).CompareTo(Array.IndexOf(forward, b)))).Distinct(), moves);
        });
    }

    // Both commit durabilities: Normal (synchronous=NORMAL) skips the disk flush, yet a commit survives the process's death.
    [Theory]
    [InlineData("Full")]
    [InlineData("Normal")]
    public async Task A_SIGKILL_while_concurrent_sends_are_stored_and_written_loses_no_accepted_send(string durability)
    {
        const string linePhone = "15550230000";
        const string peerPhone = "15550230001";
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "service");
        Directory.CreateDirectory(data);
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        await sandbox.CreateAccountAsync(linePhone);
        await sandbox.CreateAccountAsync(peerPhone);
        var (wsUrl, rootKey) = await sandbox.InfoAsync();
        var environment = new Dictionary<string, string>(Unlimited)
        {
            ["WhatsApp__Url"] = wsUrl.ToString(),
            ["WhatsApp__TrustedRootKey"] = Convert.ToBase64String(rootKey),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Store__Synchronous"] = durability,
        };

        var service = await ServiceProcess.StartAsync(data, environment: environment);
        try
        {
            using var admin = ApiClients.Admin(service, data);
            var (id, token) = await ApiClients.CreateLineAsync(admin, "group-commit-kill", start: true);
            await ApiClients.PairAsync(service, admin, id, token, linePhone, sandbox.Http);
            var accepted = new ConcurrentBag<string>();
            var lost = 0;
            using (var line = ApiClients.Line(service, token))
            {
                // The callers send until the kill; a request the kill cut off was not accepted (its caller never heard 202).
                var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var callers = Enumerable.Range(0, Callers).Select(async caller =>
                {
                    for (var n = 0; !killed.Task.IsCompleted; n++)
                    {
                        try
                        {
                            var answer = await line.PostAsJsonAsync("/api/messages/send", new { to = peerPhone, text = $"caller {caller} text {n}" });
                            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
                            accepted.Add((await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>());
                        }
                        catch (HttpRequestException)
                        {
                            Interlocked.Increment(ref lost);
                            return;
                        }
                    }
                }).ToList();
                await ApiClients.PollAsync(() => Task.FromResult(accepted.Count >= 60 ? "enough" : null), "60 sends accepted", seconds: 120);
                await service.DisposeAsync(); // SIGKILL, with sends being stored, written and acknowledged
                killed.SetResult();
                await Task.WhenAll(callers);
            }

            var atKill = accepted.ToHashSet();
            service = await ServiceProcess.StartAsync(data, environment: environment);
            var database = Path.Combine(data, "lines", $"{id}.db");
            var stored = (await StoredOutboundAsync(database)).Select(s => s.MsgId).ToList();

            // Every accepted send is stored once; what was stored but cut off before its answer goes out as well.
            Assert.Equal(stored.Count, stored.Distinct().Count());
            Assert.Subset(stored.ToHashSet(), atKill);
            var received = await ApiClients.PollAsync(async () =>
            {
                var inbox = (await sandbox.GetJsonAsync($"/sandbox/accounts/{peerPhone}/messages")).AsArray().Select(m => m!["msg_id"]!.GetValue<string>()).ToHashSet();
                return stored.All(inbox.Contains) ? inbox : null;
            }, $"all {stored.Count} stored sends at the phone", seconds: 120);
            output.WriteLine($"{atKill.Count} sends accepted before the SIGKILL, {lost} cut off, {stored.Count} stored, {received.Count} distinct ids at the phone");
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    private static async Task<List<(string MsgId, string ChatJid)>> StoredOutboundAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return (await connection.QueryAsync<(string, string)>("SELECT msg_id, chat_jid FROM messages WHERE from_me = 1 ORDER BY seq")).ToList();
    }

    private static async Task<Dictionary<string, List<string>>> JournalledStatusesAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return (await connection.QueryAsync<(string MsgId, string Status)>("SELECT msg_id, status FROM line_events WHERE event = 'message.status' ORDER BY seq"))
            .GroupBy(row => row.MsgId)
            .ToDictionary(group => group.Key, group => group.Select(row => row.Status).ToList());
    }
}
