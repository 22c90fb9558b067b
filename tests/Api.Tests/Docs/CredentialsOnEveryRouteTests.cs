using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests.Docs;

/// <summary>
/// Every route the service documents, called with every wrong credential: no credential, a well-formed unknown token, a
/// rotated token, the other API's credential, another line's token on an admin route about that line, and a body the
/// route could not even parse. Each must be a 401 in the contract's error shape that neither echoes the credential nor
/// does anything. The routes come from the service's own OpenAPI document, so a route added later is covered too.
/// </summary>
[Collection(LineApiCollection.Name)]
public class CredentialsOnEveryRouteTests(LineApiFixture fixture)
{
    private const string UnknownToken = "wae_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public async Task Every_documented_route_refuses_every_wrong_credential_with_a_401_that_does_nothing()
    {
        var adminKey = await File.ReadAllTextAsync(Path.Combine(fixture.DataFolder, "admin.key"));
        var document = JsonNode.Parse(await fixture.Service.Http.GetStringAsync("/openapi.json"))!;
        var checkedRoutes = new Dictionary<string, int> { ["lineToken"] = 0, ["adminKey"] = 0 };
        var failures = new List<string>();

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var scheme = operation!["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).SingleOrDefault();
                if (scheme is null)
                {
                    continue;
                }

                checkedRoutes[scheme]++;
                var url = Fill(path);
                var wrong = scheme == "lineToken"
                    ? new (string Name, Action<HttpRequestMessage> Apply, string? Secret)[]
                    {
                        ("no credential", _ => { }, null),
                        ("an unknown token", r => r.Headers.TryAddWithoutValidation("X-API-Token", UnknownToken), UnknownToken),
                        ("a rotated token", r => r.Headers.TryAddWithoutValidation("X-API-Token", fixture.RotatedToken), fixture.RotatedToken),
                        ("the admin key as a token", r => r.Headers.TryAddWithoutValidation("X-API-Token", adminKey), adminKey),
                        ("the admin key as Bearer", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey), adminKey),
                        ("a valid token with more after it", r => r.Headers.TryAddWithoutValidation("X-API-Token", fixture.ReadyToken + "%0d%0aX-Injected: 1"), null),
                    }
                    : new (string Name, Action<HttpRequestMessage> Apply, string? Secret)[]
                    {
                        ("no credential", _ => { }, null),
                        ("a line token as Bearer", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.ReadyToken), fixture.ReadyToken),
                        ("a line token in X-API-Token", r => r.Headers.TryAddWithoutValidation("X-API-Token", fixture.ReadyToken), fixture.ReadyToken),
                        ("that line's own token as Bearer", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.StoppedToken), fixture.StoppedToken),
                        ("the admin key with one character changed", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Changed(adminKey)), Changed(adminKey)),
                        ("the admin key as Basic", r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + adminKey))), adminKey),
                    };

                foreach (var (name, apply, secret) in wrong)
                {
                    foreach (var body in new[] { "{}", "{not json" })
                    {
                        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
                        apply(request);
                        if (method is "post" or "put")
                        {
                            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                        }

                        using var response = await fixture.Service.Http.SendAsync(request);
                        var text = await response.Content.ReadAsStringAsync();
                        var code = TryCode(text);
                        if ((int)response.StatusCode != 401 || code != "unauthorized")
                        {
                            failures.Add($"{method} {url} with {name} ({body}): {(int)response.StatusCode} {Short(text)}");
                        }
                        else if (secret is not null && text.Contains(secret, StringComparison.Ordinal))
                        {
                            failures.Add($"{method} {url} with {name}: the answer echoes the credential");
                        }

                        if (method is "get" or "delete")
                        {
                            break;
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // Not vacuous: both APIs' routes were found and tried.
        Assert.True(checkedRoutes["lineToken"] >= 15, $"{checkedRoutes["lineToken"]} line routes in the document");
        Assert.True(checkedRoutes["adminKey"] >= 15, $"{checkedRoutes["adminKey"]} admin routes in the document");

        // Nothing was done: the stopped line still exists, stopped, and its token (which a refused rotation would have
        // replaced) still names it; the ready line is still connected with its token.
        using var admin = ApiClients.Admin(fixture.Service, fixture.DataFolder);
        var stopped = (await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{fixture.StoppedId}"))!;
        Assert.Equal("stopped", stopped["status"]!.GetValue<string>());
        using var stoppedLine = ApiClients.Line(fixture.Service, fixture.StoppedToken);
        Assert.True((await stoppedLine.GetAsync("/api/status")).IsSuccessStatusCode);
        using var readyLine = ApiClients.Line(fixture.Service, fixture.ReadyToken);
        Assert.Equal("connected", (await readyLine.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>());
    }

    private string Fill(string path) => path
        .Replace("{id}", fixture.StoppedId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{msg_id}", fixture.InboundMsgId, StringComparison.Ordinal)
        .Replace("{jid}", LineApiFixture.PeerJid, StringComparison.Ordinal)
        .Replace("{", "x", StringComparison.Ordinal)
        .Replace("}", "", StringComparison.Ordinal);

    private static string Changed(string key) => (key[0] == 'A' ? 'B' : 'A') + key[1..];

    private static string? TryCode(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["code"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Short(string text) => text.Length > 200 ? text[..200] : text;
}
