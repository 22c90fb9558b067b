using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>
/// The proof of issue #8, end to end with real processes: virtual phones in a sandbox (WhatsApp, which keeps running)
/// send messages to a line of the service; the service stores them, journals them and delivers them to a real
/// receiver process that answers 500, stalls past the timeout and is killed and restarted on a schedule — while the
/// service itself is killed with SIGKILL again and again. Nothing may be lost, order per chat must hold, every
/// request must be signed, and a message seen twice must carry the same delivery id.
/// </summary>
public sealed class WebhookEndToEndTests(ITestOutputHelper output)
{
    private const string Secret = "e2e-webhook-secret";
    private const string LinePhone = "15550100000";
    private static readonly string[] Senders = ["15550100001", "15550100002", "15550100003"];

    [Fact]
    public async Task Two_thousand_messages_from_virtual_phones_all_arrive_while_the_service_is_killed_and_the_receiver_fails()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("WAENGINE_WEBHOOK_E2E_MESSAGES"), CultureInfo.InvariantCulture, out var n) ? n : 2000;
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "service");
        Directory.CreateDirectory(data);
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        foreach (var phone in (string[])[LinePhone, .. Senders])
        {
            await sandbox.CreateAccountAsync(phone);
        }

        var environment = await EnvironmentAsync(sandbox);

        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(folder.Path, "received.jsonl"), failEvery: 10, slowEvery: 37, slowMs: 1500);
        ServiceProcess? service = await ServiceProcess.StartAsync(data, environment: environment);
        var clock = Stopwatch.StartNew();
        var kills = 0;
        var acceptedAtKills = new List<int>();
        var receiverRestarts = 0;
        try
        {
            var id = await PairLineAsync(service, sandbox, data, receiver.Url);

            // The phones send, each in its own order (one chat each), whatever happens to the service.
            var sent = Senders.ToDictionary(s => s + "@s.whatsapp.net", _ => new List<string>());
            var sending = Task.WhenAll(Senders.Select(async (sender, index) =>
            {
                var chat = sent[sender + "@s.whatsapp.net"];
                for (var i = index; i < total; i += Senders.Length)
                {
                    var answer = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{sender}/messages", new { to = "+" + LinePhone, text = $"message {i} from {sender}" });

                    Assert.True(answer.IsSuccessStatusCode, $"send {i}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                    chat.Add((await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>());
                }
            }));

            // Chaos until every message was accepted: SIGKILL the service every few seconds (it comes back on the same
            // data), and kill the receiver now and then for a second.
            var deadline = DateTime.UtcNow.AddMinutes(6);
            var nextKill = DateTime.UtcNow.AddSeconds(4);
            var nextReceiverKill = DateTime.UtcNow.AddSeconds(7);
            while (true)
            {
                var accepted = receiver.Requests().Where(r => r.Accepted && r.Event == "messages.received").Select(r => DeliveryCheck.MessageIdOf(r.Json)).ToHashSet();
                if (sending.IsCompleted && accepted.Count >= total)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"after {clock.Elapsed}: {accepted.Count} of {total} messages accepted, {sent.Values.Sum(c => c.Count)} sent, {kills} kills");
                if (sending.IsFaulted)
                {
                    await sending;
                }

                if (DateTime.UtcNow >= nextKill && kills < 8)
                {
                    await service.DisposeAsync();
                    service = null;
                    kills++;
                    acceptedAtKills.Add(accepted.Count);
                    service = await ServiceProcess.StartAsync(data, environment: environment);
                    nextKill = DateTime.UtcNow.AddSeconds(4 + Random.Shared.Next(4));
                }

                if (DateTime.UtcNow >= nextReceiverKill && receiverRestarts < 5)
                {
                    await receiver.KillAsync();
                    await Task.Delay(1000);
                    await receiver.StartAsync();
                    receiverRestarts++;
                    nextReceiverKill = DateTime.UtcNow.AddSeconds(6 + Random.Shared.Next(4));
                }

                await Task.Delay(250);
            }

            await sending;
            var elapsed = clock.Elapsed;

            // The admin view agrees: nothing pending or failed among the line's deliveries.
            using var admin = ApiClients.Admin(service, data);
            var failed = (await admin.GetFromJsonAsync<JsonArray>($"/api/sessions/{id}/webhook/deliveries?status=failed"))!;
            Assert.Empty(failed);
            await service.DisposeAsync();
            service = null;

            // Order per chat is the order the line stored the messages in (its journal); report if that ever differed from the phones' order.
            var stored = await StoredOrderAsync(Path.Combine(data, "lines", $"{id}.db"));
            var reordered = sent.Count(c => !c.Value.SequenceEqual(stored.GetValueOrDefault(c.Key, [])));
            Assert.Equal(sent.Values.Sum(c => c.Count), stored.Values.Sum(c => c.Count));
            var figures = DeliveryCheck.Verify(receiver.Requests(), stored, Secret);
            output.WriteLine($"{figures}; service SIGKILLed {kills} times (messages accepted by then: {string.Join(", ", acceptedAtKills)}), receiver killed {receiverRestarts} times; {reordered} chats stored in an order other than sent; {elapsed.TotalSeconds:0} s");
            Assert.Equal(total, figures.Messages);
            Assert.True(acceptedAtKills.Count(a => a > 0 && a < total) >= 3, $"only {kills} kills happened, {acceptedAtKills.Count(a => a > 0 && a < total)} of them mid-run");
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Every_inbound_kind_from_a_virtual_phone_arrives_with_its_quoted_or_target_id_and_media_path()
    {
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "service");
        Directory.CreateDirectory(data);
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        await sandbox.CreateAccountAsync(LinePhone);
        await sandbox.CreateAccountAsync(Senders[0]);
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(folder.Path, "received.jsonl"));
        await using var service = await ServiceProcess.StartAsync(data, environment: await EnvironmentAsync(sandbox));
        await PairLineAsync(service, sandbox, data, receiver.Url);
        var chat = LinePhone + "@s.whatsapp.net";
        var phone = Senders[0] + "@s.whatsapp.net";

        var text = await PhoneSendsAsync(sandbox, new { text = "Can we meet tomorrow?" });
        var reply = await PhoneSendsAsync(sandbox, new { message = new { extendedTextMessage = new { text = "At 10?", contextInfo = new { stanzaId = text, participant = phone, quotedMessage = new { conversation = "Can we meet tomorrow?" } } } } });
        var reaction = await PhoneSendsAsync(sandbox, new { message = new { reactionMessage = new { key = new { remoteJid = chat, fromMe = true, id = text }, text = "👍", senderTimestampMs = "1779285889512" } } });
        var edit = await PhoneSendsAsync(sandbox, new { message = new { protocolMessage = new { key = new { remoteJid = chat, fromMe = true, id = text }, type = "MESSAGE_EDIT", editedMessage = new { conversation = "Can we meet on Friday?" } } } });
        var image = await PhoneSendsAsync(sandbox, new { message = new { imageMessage = new { url = "https://mmg.example/photo.enc", mimetype = "image/jpeg", caption = "The invoice", fileLength = "48213", directPath = "/photo.enc", mediaKey = Convert.ToBase64String(new byte[32]) } } });
        var delete = await PhoneSendsAsync(sandbox, new { message = new { protocolMessage = new { key = new { remoteJid = chat, fromMe = true, id = reply }, type = "REVOKE" } } });

        for (var i = 0; i < 300 && receiver.Requests().Count < 6; i++)
        {
            await Task.Delay(100);
        }

        var received = receiver.Requests().Where(r => r.Accepted).ToDictionary(r => DeliveryCheck.MessageIdOf(r.Json), r => r.Json["data"]!["messages"]!);
        Assert.Equal([text, reply, reaction, edit, image, delete], receiver.Requests().Select(r => DeliveryCheck.MessageIdOf(r.Json)));
        Assert.All(receiver.Requests(), r => Assert.True(r.SignatureValid(Secret)));
        Assert.All(received.Values, m => Assert.Equal((phone, Senders[0], false), (m["key"]!["senderPn"]!.GetValue<string>(), m["key"]!["cleanedSenderPn"]!.GetValue<string>(), m["key"]!["fromMe"]!.GetValue<bool>())));
        Assert.All(received.Values, m => Assert.Equal(phone, m["key"]!["remoteJid"]!.GetValue<string>()));

        Assert.Equal(("text", "Can we meet tomorrow?", "Can we meet tomorrow?"), (Kind(received[text]), Body(received[text]), received[text]["message"]!["conversation"]!.GetValue<string>()));
        Assert.Equal(("text", "At 10?", text), (Kind(received[reply]), Body(received[reply]), received[reply]["quotedMsgId"]!.GetValue<string>()));
        Assert.Equal(("reaction", "👍", text), (Kind(received[reaction]), Body(received[reaction]), received[reaction]["targetMsgId"]!.GetValue<string>()));
        Assert.Equal(("edit", "Can we meet on Friday?", text), (Kind(received[edit]), Body(received[edit]), received[edit]["targetMsgId"]!.GetValue<string>()));
        Assert.Equal(("image", "The invoice", $"/api/media/{image}"), (Kind(received[image]), Body(received[image]), received[image]["mediaPath"]!.GetValue<string>()));
        Assert.Equal("image/jpeg", received[image]["message"]!["imageMessage"]!["mimetype"]!.GetValue<string>());
        Assert.Equal(("image/jpeg", 48213, "The invoice"), (received[image]["media"]!["mimetype"]!.GetValue<string>(), received[image]["media"]!["size"]!.GetValue<long>(), received[image]["media"]!["caption"]!.GetValue<string>()));
        Assert.Null(received[image]["media"]!["fileName"]);
        Assert.Null(received[text]["media"]);
        Assert.Equal(("revoke", reply), (Kind(received[delete]), received[delete]["targetMsgId"]!.GetValue<string>()));
        Assert.Null(received[delete]["messageBody"]);
        Assert.Null(received[text]["quotedMsgId"]);
        Assert.Null(received[text]["mediaPath"]);

        static string Kind(JsonNode message) => message["messageType"]!.GetValue<string>();
        static string Body(JsonNode message) => message["messageBody"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"no messageBody in {message.ToJsonString()}");
    }

    [Fact]
    public async Task An_outbound_message_sent_through_the_line_api_reports_each_status_in_order()
    {
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "service");
        Directory.CreateDirectory(data);
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        await sandbox.CreateAccountAsync(LinePhone);
        await sandbox.CreateAccountAsync(Senders[0]);
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(folder.Path, "received.jsonl"), failEvery: 3);
        await using var service = await ServiceProcess.StartAsync(data, environment: await EnvironmentAsync(sandbox));
        var (_, token) = await PairLineAsync(service, sandbox, data, receiver.Url, ["message.status"]);
        using var line = new HttpClient { BaseAddress = service.BaseAddress };
        line.DefaultRequestHeaders.Add("X-API-Token", token);

        string? msgId = null;
        for (var attempt = 0; attempt < 100 && msgId is null; attempt++)
        {
            var sent = await line.PostAsJsonAsync("/api/messages/send", new { to = "+" + Senders[0], text = "Your order has shipped" });
            if (sent.StatusCode == System.Net.HttpStatusCode.Accepted)
            {
                msgId = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
            }
            else
            {
                // Just connected: the line may still refuse sends for a moment.
                await Task.Delay(200);
            }
        }

        Assert.NotNull(msgId);
        await ApiClients.PollAsync(() => Task.FromResult(Statuses().Contains("delivery_ack") ? "ok" : null));
        (await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Senders[0]}/receipts", new { msg_ids = new[] { msgId }, type = "read" })).EnsureSuccessStatusCode();
        await ApiClients.PollAsync(() => Task.FromResult(Statuses().Contains("read") ? "ok" : null));

        var statuses = Statuses();
        var order = new[] { "queued", "sending", "sent", "server_ack", "delivery_ack", "read" };
        Assert.Equal(statuses.OrderBy(st => Array.IndexOf(order, st)), statuses);
        // Statuses only move forward: a delivery receipt that beats the server's ack means no server_ack event.
        Assert.Equal(("queued", "read"), (statuses[0], statuses[^1]));
        Assert.Contains("delivery_ack", statuses);
        Assert.Equal(statuses.Distinct(), statuses);
        Assert.All(receiver.Requests(), r => Assert.True(r.SignatureValid(Secret)));
        Assert.All(receiver.Requests(), r => Assert.Equal(("message.status", msgId, Senders[0] + "@s.whatsapp.net"), (r.Event, r.Json["data"]!["key"]!["id"]!.GetValue<string>(), r.Json["data"]!["key"]!["remoteJid"]!.GetValue<string>())));

        List<string> Statuses() => receiver.Requests().Where(r => r.Accepted).GroupBy(r => r.Delivery).Select(g => g.First().Json["data"]!["status"]!.GetValue<string>()).ToList();
    }

    private static async Task<string> PhoneSendsAsync(RunningSandbox sandbox, object content)
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(content))!.AsObject();
        body["to"] = "+" + LinePhone;
        var answer = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Senders[0]}/messages", body);
        Assert.True(answer.IsSuccessStatusCode, $"{body.ToJsonString()}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        return (await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }

    /// <summary>The service's settings: the standalone sandbox as its WhatsApp, and webhook timings a test can wait for.</summary>
    private static async Task<Dictionary<string, string>> EnvironmentAsync(RunningSandbox sandbox)
    {
        var (wsUrl, rootKey) = await sandbox.InfoAsync();
        return new Dictionary<string, string>
        {
            ["WhatsApp__Url"] = wsUrl.ToString(),
            ["WhatsApp__TrustedRootKey"] = Convert.ToBase64String(rootKey),
            ["Webhooks__Timeout"] = "00:00:01",
            ["Webhooks__BaseDelay"] = "00:00:00.050",
            ["Webhooks__MaxDelay"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    private static async Task<long> PairLineAsync(ServiceProcess service, RunningSandbox sandbox, string data, Uri receiverUrl) =>
        (await PairLineAsync(service, sandbox, data, receiverUrl, ["messages.received"])).Id;

    private static async Task<(long Id, string Token)> PairLineAsync(ServiceProcess service, RunningSandbox sandbox, string data, Uri receiverUrl, string[] events)
    {
        using var admin = ApiClients.Admin(service, data);
        var created = await admin.PostAsJsonAsync("/api/sessions", new { name = "e2e", webhook_url = "", webhook_secret = Secret });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, created.StatusCode);
        created = await admin.PostAsJsonAsync("/api/sessions", new { name = "e2e", webhook_url = receiverUrl.ToString(), webhook_secret = Secret, webhook_events = events });
        created.EnsureSuccessStatusCode();
        var line = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        var (id, token) = (line["id"]!.GetValue<long>(), line["token"]!.GetValue<string>());
        await ApiClients.PairAsync(service, admin, id, token, LinePhone, sandbox.Http);
        return (id, token);
    }

    private static async Task<Dictionary<string, List<string>>> StoredOrderAsync(string databasePath)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        var rows = await connection.QueryAsync<(string ChatJid, string MsgId)>(
            "SELECT m.chat_jid, m.msg_id FROM line_events e JOIN messages m ON m.seq = e.message_seq WHERE e.event = 'messages.received' ORDER BY e.seq;");
        return rows.GroupBy(r => r.ChatJid).ToDictionary(g => g.Key, g => g.Select(r => r.MsgId).ToList());
    }
}
