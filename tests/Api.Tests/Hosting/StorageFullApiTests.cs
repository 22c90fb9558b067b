using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Hosting;

/// <summary>
/// The lines' databases on a disk that fills up (a 16 MiB tmpfs under the data folder, filled by a ballast file): a send
/// is answered 507 <c>storage_full</c> with a sentence and <c>Retry-After</c>, nothing is half-stored, the line stays up,
/// and the very same request (same <c>Idempotency-Key</c>) is taken and delivered once there is room again. Needs root
/// for the mount, as CI runs; elsewhere the Store test and the soak's disk-full fault cover what can be.
/// </summary>
public sealed class StorageFullApiTests
{
    private const string Owner = "15550008201";
    private const string Peer = "15550008202";

    [Fact]
    public async Task A_full_disk_answers_a_send_507_storage_full_and_the_same_request_goes_through_once_there_is_room()
    {
        using var data = new TempFolder();
        using var disk = SmallDisk.TryMount(Path.Combine(data.Path, "lines"), 16);
        if (disk is null)
        {
            return;
        }

        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string>
        {
            ["Api__RateLimit__SendsPerSecond"] = "1000",
            ["Api__RateLimit__SendBurst"] = "2000",
        });
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "full disk", start: true);
        await ApiClients.PairAsync(service, admin, id, token, Owner);
        await ApiClients.AddPhoneAsync(service, Peer);
        using var line = ApiClients.Line(service, token);

        disk.Fill();

        // The database may still have a few free pages: sends go on until one is refused.
        HttpResponseMessage? refused = null;
        var key = "";
        for (var i = 0; i < 2000 && refused is null; i++)
        {
            key = "full-" + i;
            var answer = await SendAsync(line, key);
            if (answer.StatusCode == HttpStatusCode.InsufficientStorage)
            {
                refused = answer;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            }
        }

        Assert.NotNull(refused);
        var error = (await refused.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal("storage_full", error["code"]!.GetValue<string>());
        Assert.Contains("disk is full", error["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error["request_id"]?.GetValue<string>()));
        Assert.Equal("30", refused.Headers.GetValues("Retry-After").Single());
        Assert.True((await admin.GetAsync($"/api/sessions/{id}")).IsSuccessStatusCode);

        // A message from the phone while the disk is full: not stored, so not acked; the server delivers it again later.
        var inbound = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{Peer}/messages", new { to = Owner, text = "written while the disk is full" });
        Assert.True(inbound.IsSuccessStatusCode, await inbound.Content.ReadAsStringAsync());
        var inboundId = (await inbound.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();

        disk.Release();
        var taken = await SendAsync(line, key);
        Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        var msgId = (await taken.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, Peer)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == msgId), "the message taken after the disk had room again reaching the phone");
        await ApiClients.PollAsync(async () => (await line.GetAsync($"/api/messages/{inboundId}")).IsSuccessStatusCode ? "stored" : null, "the phone's message stored once there was room", seconds: 180);

        // What the full disk refused is said plainly, never as an unexpected failure with a stack trace.
        Assert.DoesNotContain("Unexpected failure", service.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient line, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = JsonContent.Create(new { to = Peer, text = "a send that needs room " + new string('x', 4000) }) };
        request.Headers.Add("Idempotency-Key", key);
        return await line.SendAsync(request);
    }
}
