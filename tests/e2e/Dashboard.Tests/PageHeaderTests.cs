using System.Net;
using System.Text.RegularExpressions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public partial class PageHeaderTests(DashboardFixture fixture)
{
    private static readonly string[] Files = ["index.html", "app.js", "api.js", "stream.js", "dom.js", "format.js", "health.js", "lines.js", "line.js", "pairing.js", "token.js", "webhook.js", "sandbox.js", "style.css", "icon.svg"];

    [Fact]
    public async Task The_page_and_its_files_carry_a_strict_CSP_and_the_usual_security_headers_and_load_nothing_from_elsewhere()
    {
        var http = fixture.Service.Http;
        var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(page);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.All(Reference().Matches(html), reference => Assert.StartsWith("/", reference.Groups[1].Value, StringComparison.Ordinal));

        foreach (var file in Files)
        {
            var answer = await http.GetAsync($"/dashboard/{file}");
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{file}: {answer.StatusCode}");
            AssertSecurityHeaders(answer);
            var text = await answer.Content.ReadAsStringAsync();
            foreach (var outside in new[] { "//cdn", "unpkg", "jsdelivr", "googleapis", "gstatic", "new EventSource", "innerHTML", "eval(", "new Function" })
            {
                Assert.DoesNotContain(outside, text, StringComparison.Ordinal);
            }

            // The revalidation a browser makes answers 304 without the body.
            using var again = new HttpRequestMessage(HttpMethod.Get, $"/dashboard/{file}");
            again.Headers.TryAddWithoutValidation("If-None-Match", answer.Headers.ETag!.ToString());
            Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        }

        Assert.Equal("text/javascript", (await http.GetAsync("/dashboard/app.js")).Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/../appsettings.json")).StatusCode);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage answer)
    {
        string Header(string name) => answer.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            Header("Content-Security-Policy"));
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        Assert.Equal("same-origin", Header("Cross-Origin-Opener-Policy"));
        Assert.Contains("camera=()", Header("Permissions-Policy"), StringComparison.Ordinal);
        Assert.Equal("no-cache", Header("Cache-Control"));
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"(?:src|href)=""([^""#]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();
}
