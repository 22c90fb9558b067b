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

        var declared = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        declared.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertErrorAsync(await line.PostAsync("/api/messages/send", declared), HttpStatusCode.RequestEntityTooLarge, "too_large", "1048576 bytes");

        // Chunked: no Content-Length to refuse up front, so the cap stops the read part-way.
        var streamed = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = streamed };
        request.Headers.TransferEncodingChunked = true;
        await AssertErrorAsync(await line.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "too_large", "1048576 bytes");

        // With an Idempotency-Key the body is buffered by the idempotency filter first: the same answer.
        var keyed = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        keyed.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var withKey = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = keyed };
        withKey.Headers.Add("Idempotency-Key", "hostile-" + Guid.NewGuid());
        await AssertErrorAsync(await line.SendAsync(withKey), HttpStatusCode.RequestEntityTooLarge, "too_large", "1048576 bytes");

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
