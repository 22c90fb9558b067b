using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Conversation;

/// <summary>
/// A text's link preview is fetched inside the line's durable send queue, not while the API answers: the 202 comes
/// while the page stalls, the text waits (and the chat's later messages with it) while other chats go on, a SIGKILL
/// during the fetch loses nothing (the fetch runs again after the restart and the preview goes with the text), and a
/// page that cannot be fetched sends the text plain with the reason, never failing it.
/// </summary>
public sealed class LinkPreviewQueueTests
{
    private const string LinePhone = "15550216000";
    private const string FirstPeer = "15550216001";
    private const string OtherPeer = "15550216002";

    [Fact]
    public async Task The_preview_is_fetched_in_the_queue_past_a_stall_and_a_kill_and_a_failed_fetch_sends_plain()
    {
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "service");
        Directory.CreateDirectory(data);
        await using var pages = await LinkPreviewPages.StartAsync();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        await sandbox.CreateAccountAsync(LinePhone);
        await sandbox.CreateAccountAsync(FirstPeer);
        await sandbox.CreateAccountAsync(OtherPeer);
        var (wsUrl, rootKey) = await sandbox.InfoAsync();
        var environment = new Dictionary<string, string>
        {
            ["WhatsApp__Url"] = wsUrl.ToString(),
            ["WhatsApp__TrustedRootKey"] = Convert.ToBase64String(rootKey),
            ["Api__MediaFetch__AllowPrivate"] = "true",
            // The stalled page must outlast everything the test does before it lets it answer, however slow the machine.
            ["Api__MediaFetch__Timeout"] = "00:10:00",
        };

        var service = await ServiceProcess.StartAsync(data, environment: environment);
        try
        {
            using var admin = ApiClients.Admin(service, data);
            var (id, token) = await ApiClients.CreateLineAsync(admin, "previews", start: true);
            await ApiClients.PairAsync(service, admin, id, token, LinePhone, sandbox.Http);

            // The 202 comes while the page stalls (the test lets it answer much later); the text is queued and pending.
            var stalledText = $"Look: {pages.Url("/stall")}";
            string held;
            using (var line = ApiClients.Line(service, token))
            {
                held = await SendAsync(line, new { to = FirstPeer, text = stalledText, link_preview = true });
                await pages.WaitStallHitAsync("the queue's first fetch");
                var queued = (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{held}"))!;
                Assert.Equal("queued", queued["status"]!.GetValue<string>());
                Assert.True(queued["link_preview"]!["pending"]!.GetValue<bool>());
                Assert.False(queued["link_preview"]!["attached"]!.GetValue<bool>());
                Assert.Equal(pages.Url("/stall"), queued["link_preview"]!["url"]!.GetValue<string>());

                // Its chat's next message waits behind it; another chat's goes at once, and so does a failed fetch's text.
                var behind = await SendAsync(line, new { to = FirstPeer, text = "after the link" });
                var other = await SendAsync(line, new { to = OtherPeer, text = "another chat" });
                var missing = await SendAsync(line, new { to = OtherPeer, text = $"Gone: {pages.Url("/missing")}", link_preview = true });
                var atOther = await WaitInboxAsync(sandbox, OtherPeer, [other, missing]);
                Assert.Equal($"Gone: {pages.Url("/missing")}", atOther[missing]["message"]!["conversation"]!.GetValue<string>());
                var missingView = await ApiClients.PollAsync(async () =>
                {
                    var view = (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{missing}"))!;
                    return view["status"]!.GetValue<string>() is "server_ack" or "delivery_ack" or "read" ? view : null;
                }, "the plain text acknowledged");
                Assert.Null(missingView["error"]);
                Assert.False(missingView["link_preview"]!["attached"]!.GetValue<bool>());
                Assert.False(missingView["link_preview"]!["pending"]!.GetValue<bool>());
                Assert.Contains("HTTP 404", missingView["link_preview"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);

                var atFirst = (await sandbox.GetJsonAsync($"/sandbox/accounts/{FirstPeer}/messages")).AsArray().Select(m => m!["msg_id"]!.GetValue<string>()).ToList();
                Assert.DoesNotContain(held, atFirst);
                Assert.DoesNotContain(behind, atFirst);

                // SIGKILL during the fetch: after the restart the queue fetches again, and the preview goes with the text.
                await service.DisposeAsync();
                service = await ServiceProcess.StartAsync(data, environment: environment);
                await pages.WaitStallHitAsync("the fetch after the restart");
                pages.ReleaseStall();

                var arrived = await WaitInboxAsync(sandbox, FirstPeer, [held, behind]);
                var preview = arrived[held]["message"]!["extendedTextMessage"]!;
                Assert.Equal(stalledText, preview["text"]!.GetValue<string>());
                Assert.Equal("Stalled page", preview["title"]!.GetValue<string>());
                Assert.Equal(pages.Url("/stall"), preview["matchedText"]!.GetValue<string>());
                Assert.Equal("after the link", arrived[behind]["message"]!["conversation"]!.GetValue<string>());
                var order = (await sandbox.GetJsonAsync($"/sandbox/accounts/{FirstPeer}/messages")).AsArray().Select(m => m!["msg_id"]!.GetValue<string>()).ToList();
                Assert.True(order.IndexOf(held) < order.IndexOf(behind), "the chat's later message went before the held one");
            }

            using var restarted = ApiClients.Line(service, token);
            var done = (await restarted.GetFromJsonAsync<JsonNode>($"/api/messages/{held}"))!["link_preview"]!;
            Assert.True(done["attached"]!.GetValue<bool>());
            Assert.False(done["pending"]!.GetValue<bool>());
            Assert.Equal("Stalled page", done["title"]!.GetValue<string>());
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    private static async Task<string> SendAsync(HttpClient line, object body)
    {
        var response = await line.PostAsJsonAsync("/api/messages/send", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["msg_id"]!.GetValue<string>();
    }

    private static Task<Dictionary<string, JsonNode>> WaitInboxAsync(RunningSandbox sandbox, string phone, string[] msgIds) =>
        ApiClients.PollAsync(async () =>
        {
            var inbox = (await sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray()
                .Where(m => msgIds.Contains(m!["msg_id"]!.GetValue<string>()))
                .ToDictionary(m => m!["msg_id"]!.GetValue<string>(), m => m!);
            return inbox.Count == msgIds.Length ? inbox : null;
        }, $"{string.Join(", ", msgIds)} at {phone}", seconds: 90);
}
