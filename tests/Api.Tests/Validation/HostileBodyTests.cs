using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests.Validation;

/// <summary>Bodies no honest client sends: oversized (declared or streamed), not UTF-8, nested without end. Each a clear 4xx; nothing is queued; the line keeps working.</summary>
[Collection(LineApiCollection.Name)]
public class HostileBodyTests(LineApiFixture fixture)
{
    private const int DefaultCap = 1024 * 1024;

    [Fact]
    public async Task A_body_over_the_cap_gets_413_in_the_contract_shape_whether_its_length_is_declared_or_streamed()
    {
        using var line = ApiClients.Line(fixture.Service, fixture.ReadyToken);
        var before = await RecentCountAsync(line);
        var text = new string('a', DefaultCap + 10);
        var json = $$"""{"to":"{{LineApiFixture.PeerJid}}","text":"{{text}}"}""";

        HttpRequestMessage Declared() => new(HttpMethod.Post, "/api/messages/send") { Content = Json(json) };
        await AssertErrorAsync(await SendRefusedAsync(line, Declared), HttpStatusCode.RequestEntityTooLarge, "too_large", "1048576 bytes");

        // Chunked: no Content-Length to refuse up front, so the cap stops the read part-way.
        HttpRequestMessage Streamed()
        {
            var streamed = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
            streamed.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = streamed };
            request.Headers.TransferEncodingChunked = true;
            return request;
        }

        await AssertErrorAsync(await SendRefusedAsync(line, Streamed), HttpStatusCode.RequestEntityTooLarge, "too_large", "1048576 bytes");

        // With an Idempotency-Key the body is buffered by the idempotency filter first: the same answer.
        var key = "hostile-" + Guid.NewGuid();
        HttpRequestMessage Keyed()
        {
            var request = Declared();
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        await AssertErrorAsync(await SendRefusedAsync(line, Keyed), HttpStatusCode.RequestEntityTooLarge, "too_large", "1048576 bytes");

        // Nothing was queued, and the line is still connected (a real send here would break the shared fixture's
        // check that nothing refused reached the peer).
        Assert.Equal(before, await RecentCountAsync(line));
        Assert.Equal("connected", (await line.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_that_is_not_UTF8_is_refused_not_sent_with_replacement_characters()
    {
        using var line = ApiClients.Line(fixture.Service, fixture.ReadyToken);
        var before = await RecentCountAsync(line);
        byte[] bytes = [.. Encoding.UTF8.GetBytes($$"""{"to":"{{LineApiFixture.PeerJid}}","text":"caf"""), 0xE9, .. Encoding.UTF8.GetBytes("\"}")];
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertErrorAsync(await line.PostAsync("/api/messages/send", content), HttpStatusCode.BadRequest, "invalid_request", "UTF-8");

        // The same on the admin API and on the reply state.
        using var admin = ApiClients.Admin(fixture.Service, fixture.DataFolder);
        byte[] name = [.. Encoding.UTF8.GetBytes("{\"name\":\"x"), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")];
        var session = new ByteArrayContent(name);
        session.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertErrorAsync(await admin.PostAsync("/api/sessions", session), HttpStatusCode.BadRequest, "invalid_request", "UTF-8");
        Assert.Equal(before, await RecentCountAsync(line));
    }

    [Fact]
    public async Task JSON_nested_deeper_than_the_reader_allows_is_a_400_not_a_stack_overflow()
    {
        using var line = ApiClients.Line(fixture.Service, fixture.ReadyToken);
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var content = new StringContent(deep, Encoding.UTF8, "application/json");
        await AssertErrorAsync(await line.PostAsync("/api/messages/send", content), HttpStatusCode.BadRequest, "invalid_request", "depth");
        var context = "{\"a\":" + new string('[', 200) + new string(']', 200) + "}";
        var nested = new StringContent("{\"to\":\"" + LineApiFixture.PeerJid + "\",\"text\":\"hi\",\"state\":{\"handler\":\"h\",\"ttl_seconds\":60,\"context\":" + context + "}}", Encoding.UTF8, "application/json");
        await AssertErrorAsync(await line.PostAsync("/api/messages/send", nested), HttpStatusCode.BadRequest, "invalid_request", "depth");
        Assert.Equal(HttpStatusCode.OK, (await line.GetAsync("/api/status")).StatusCode);
    }

    private static ByteArrayContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>
    /// Sends a body the server refuses part-way: the server may answer and close while the client is still writing the
    /// rest, which the client sees as a broken pipe instead of the answer. That race is the network's, not the service's:
    /// the request goes again (a few times at most) until the client reads the answer.
    /// </summary>
    private static async Task<HttpResponseMessage> SendRefusedAsync(HttpClient line, Func<HttpRequestMessage> build)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            try
            {
                return await line.SendAsync(request);
            }
            catch (HttpRequestException ex) when (attempt < 5 && ex.InnerException is IOException)
            {
                // Broken pipe or reset while the body was still going out.
            }
        }
    }

    private static async Task AssertErrorAsync(HttpResponseMessage answer, HttpStatusCode status, string code, string inSentence)
    {
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(status == answer.StatusCode, $"{answer.StatusCode}: {text}");
        var error = JsonNode.Parse(text)!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Contains(inSentence, error["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error["request_id"]!.GetValue<string>()));
    }

    private static async Task<int> RecentCountAsync(HttpClient line) =>
        (await line.GetFromJsonAsync<JsonArray>("/api/messages/recent?limit=100"))!.Count;
}
