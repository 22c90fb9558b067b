using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Messages;

/// <summary>
/// The send queue keeps several messages in flight per line; the order within every chat must survive that. Three
/// callers write to three chats at once, each its own texts one after another, and every phone must receive its texts
/// in the order they were accepted, each exactly once.
/// </summary>
public sealed class SendOrderTests
{
    private const string LinePhone = "15550210000";
    private static readonly string[] Peers = ["15550210001", "15550210002", "15550210003"];

    [Fact]
    public async Task Texts_sent_to_several_chats_at_once_arrive_in_order_per_chat()
    {
        const int perChat = 25;
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], environment: new Dictionary<string, string>
        {
            // The per-token limit would pace the callers; here they should fill the queue as fast as it takes them.
            ["Api__RateLimit__SendsPerSecond"] = "1000",
            ["Api__RateLimit__SendBurst"] = "1000",
        });
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "order", start: true);
        await ApiClients.PairAsync(service, admin, id, token, LinePhone);
        foreach (var peer in Peers)
        {
            await ApiClients.AddPhoneAsync(service, peer);
        }

        using var line = ApiClients.Line(service, token);
        var accepted = await Task.WhenAll(Peers.Select(async peer =>
        {
            var ids = new List<string>();
            for (var i = 0; i < perChat; i++)
            {
                var answer = await line.PostAsJsonAsync("/api/messages/send", new { to = peer, text = $"{peer} #{i}" });
                Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
                ids.Add((await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>());
            }

            return ids;
        }));

        for (var p = 0; p < Peers.Length; p++)
        {
            var peer = Peers[p];
            var inbox = await ApiClients.PollAsync(async () =>
            {
                var received = await ApiClients.PhoneInboxAsync(service, peer);
                return received.Count >= perChat ? received : null;
            }, $"{perChat} texts at {peer}", seconds: 120);

            // The inbox lists in the order the phone received; every text once, in the order the API accepted them.
            Assert.Equal(accepted[p], inbox.Select(m => m!["msg_id"]!.GetValue<string>()).ToList());
            Assert.Equal(Enumerable.Range(0, perChat).Select(i => $"{peer} #{i}").ToList(), inbox.Select(m => m!["body"]!.GetValue<string>()).ToList());
        }
    }
}
