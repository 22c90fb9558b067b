using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Idempotency;

public class IdempotencyTests
{
    private const string OwnerPhone = "15550008888";
    private const string PeerPhone = "15550009999";

    [Fact]
    public async Task A_repeated_key_answers_the_first_answer_again_across_a_restart_and_sends_nothing_new()
    {
        using var data = new TempFolder();
        long id;
        string token;
        string first;
        await using (var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]))
        {
            using var admin = ApiClients.Admin(service, data.Path);
            (id, token) = await ApiClients.CreateLineAsync(admin, "once", start: true);
            await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
            await ApiClients.AddPhoneAsync(service, PeerPhone);
            using var line = ApiClients.Line(service, token);

            var answer = await SendAsync(line, "key-1", "only once");
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            Assert.False(answer.Headers.Contains("Idempotent-Replayed"));
            first = (await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();

            var repeat = await SendAsync(line, "key-1", "only once");
            Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
            Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(first, (await repeat.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>());

            var other = await SendAsync(line, "key-1", "something else");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
            var error = (await other.Content.ReadFromJsonAsync<JsonNode>())!;
            Assert.Equal(("idempotency_key_reused", "Idempotency-Key"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));

            // A key used on another path is another request too.
            using var elsewhere = new HttpRequestMessage(HttpMethod.Post, "/api/messages/reaction")
            {
                Content = new StringContent($$"""{"to":"{{PeerPhone}}","emoji":"👍","target_msg_id":"{{first}}"}""", Encoding.UTF8, "application/json"),
            };
            elsewhere.Headers.Add("Idempotency-Key", "key-1");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await line.SendAsync(elsewhere)).StatusCode);

            // A refused request does not use up its key.
            var refused = await SendAsync(line, "key-2", "", to: "nobody");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(line, "key-2", "second")).StatusCode);

            // The admin API honours keys too: one line created for two identical requests.
            var created = await CreateWithKeyAsync(admin, "admin-key-1");
            Assert.Equal(created, await CreateWithKeyAsync(admin, "admin-key-1"));
            Assert.Equal(2, (await admin.GetFromJsonAsync<JsonArray>("/api/sessions"))!.Count);

            await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, PeerPhone)).Count == 2 ? "both" : null, "both messages reaching the phone");
        }

        await using (var restarted = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]))
        {
            using var line = ApiClients.Line(restarted, token);
            var replay = await SendAsync(line, "key-1", "only once");
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(first, (await replay.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>());
            var recent = (await line.GetFromJsonAsync<JsonArray>("/api/messages/recent?limit=100"))!;
            Assert.Single(recent, m => m!["body"]?.GetValue<string>() == "only once");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient line, string key, string text, string to = PeerPhone)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send")
        {
            Content = JsonContent.Create(new { to, text }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await line.SendAsync(request);
    }

    private static async Task<string> CreateWithKeyAsync(HttpClient admin, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = JsonContent.Create(new { name = "keyed", start = false }) };
        request.Headers.Add("Idempotency-Key", key);
        var answer = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return await answer.Content.ReadAsStringAsync();
    }
}
