using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Docs;

[Collection(LineApiCollection.Name)]
public class OpenApiDocumentTests(LineApiFixture fixture)
{
    private static readonly string[] Operations =
    [
        "post /api/sessions", "get /api/sessions", "get /api/sessions/{id}", "delete /api/sessions/{id}",
        "post /api/sessions/{id}/start", "post /api/sessions/{id}/stop", "post /api/sessions/{id}/restart", "post /api/sessions/{id}/logout",
        "get /api/sessions/{id}/qr", "get /api/sessions/{id}/qr.png", "post /api/sessions/{id}/pairing-code", "post /api/sessions/{id}/token",
        "put /api/sessions/{id}/webhook", "get /api/sessions/{id}/webhook", "delete /api/sessions/{id}/webhook", "get /api/sessions/{id}/events",
        "get /api/me", "get /api/status",
        "post /api/messages/send", "post /api/messages/reply", "post /api/messages/reaction", "post /api/messages/edit", "post /api/messages/delete",
        "get /api/messages/{msg_id}", "get /api/messages/recent", "get /api/chats", "get /api/history", "get /api/media/{msg_id}",
        "get /health",
    ];

    [Fact]
    public async Task The_document_describes_every_endpoint_with_its_bodies_answers_and_errors()
    {
        var document = JsonNode.Parse(await fixture.Service.Http.GetStringAsync("/openapi.json"))!;
        var paths = document["paths"]!.AsObject();
        foreach (var operation in Operations)
        {
            var (method, path) = (operation.Split(' ')[0], operation.Split(' ')[1]);
            var described = paths[path]?[method];
            Assert.True(described is not null, $"{operation} is not in the document");
            var responses = described["responses"]!.AsObject().Select(r => r.Key).ToList();
            Assert.Contains(responses, r => r.StartsWith('2'));
            if (path != "/health")
            {
                Assert.Contains("401", responses);
                Assert.NotNull(described["security"]);
            }

            if (method is "post" && path.StartsWith("/api/messages/", StringComparison.Ordinal))
            {
                Assert.NotNull(described["requestBody"]);
                Assert.Equal(["202", "400", "401", "403", "404", "409", "422", "429"], responses.Order());
                Assert.Contains(described["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
            }
        }

        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/sandbox", StringComparison.Ordinal));
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal(["to", "text", "quoted_msg_id"], schemas["ReplyBody"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(schemas["ApiError"]!["properties"]!["request_id"]);
        Assert.Equal(
            ["id", "name", "status", "phone_jid", "me", "created_at", "reason", "until", "health"],
            schemas["SessionView"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(
            ["connected_since", "last_frame_at", "reconnects_24h", "send_queue", "webhook_backlog"],
            schemas["SessionHealthView"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("X-API-Token", document["components"]!["securitySchemes"]!["lineToken"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_document_passes_redocly_lint_with_the_strict_rules()
    {
        var cli = Path.Combine(RepoPaths.Interop, "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"Redocly CLI is not installed: run 'npm ci' in {RepoPaths.Interop} (bash .ci/run does).");
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "openapi.json"), await fixture.Service.Http.GetStringAsync("/openapi.json"));
        foreach (var file in new[] { "redocly.yaml", ".redocly.lint-ignore.yaml" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, "tests", "Api.Tests", "Docs", file), Path.Combine(folder.Path, file));
        }

        var start = new ProcessStartInfo("node", [cli, "lint", "openapi.json", "--format=stylish"])
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var report = await output + await errors;
        Assert.True(process.ExitCode == 0, report);
        Assert.Contains("Your API description is valid", report, StringComparison.Ordinal);
        Assert.DoesNotContain(" error ", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_docs_page_is_served_from_the_service_itself()
    {
        var page = await fixture.Service.Http.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("//cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unpkg", html, StringComparison.OrdinalIgnoreCase);
        var config = await fixture.Service.Http.GetStringAsync("/docs/index.js");
        Assert.Contains("/openapi.json", config, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Service.Http.GetAsync("/docs/swagger-ui-bundle.js")).StatusCode);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Service.BaseAddress };
        var bare = await noRedirects.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.EndsWith("docs/index.html", bare.Headers.Location?.ToString(), StringComparison.Ordinal);
    }
}
