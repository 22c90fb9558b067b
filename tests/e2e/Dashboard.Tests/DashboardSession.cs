using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

/// <summary>
/// One test's browser: its own context (fresh session storage) and page, every request it makes recorded (anything
/// not to the service is refused and fails the test), console CSP reports and page errors collected, and numbered
/// screenshots of each step in TestResults/dashboard.
/// </summary>
internal sealed partial class DashboardSession : IAsyncDisposable
{
    private readonly Uri _baseAddress;
    private readonly string _adminKey;
    private readonly string _name;
    private readonly ConcurrentQueue<IRequest> _requests = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private int _shots;

    private DashboardSession(Uri baseAddress, string adminKey, string name, IBrowserContext context, IPage page)
    {
        _baseAddress = baseAddress;
        _adminKey = adminKey;
        _name = name;
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public string Origin => _baseAddress.GetLeftPart(UriPartial.Authority);

    public IReadOnlyCollection<IRequest> Requests => _requests;

    /// <summary>A session on the fixture's service, or on <paramref name="service"/> (with its <paramref name="adminKey"/>).</summary>
    public static async Task<DashboardSession> OpenAsync(DashboardFixture fixture, string name, int width = 1280, int height = 900, ServiceProcess? service = null, string? adminKey = null)
    {
        var baseAddress = service?.BaseAddress ?? fixture.BaseAddress;
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = baseAddress.ToString(),
            Locale = "en-US",
            TimezoneId = "UTC",
            ServiceWorkers = ServiceWorkerPolicy.Block,
        });
        context.SetDefaultTimeout(20_000);
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = baseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        var session = new DashboardSession(baseAddress, adminKey ?? fixture.AdminKey, name, context, page);
        var origin = session.Origin;
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(origin + "/", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
            }
            else
            {
                session._problems.Enqueue($"a request left the service: {route.Request.Method} {route.Request.Url}");
                await route.AbortAsync();
            }
        });
        page.Request += (_, request) => session._requests.Enqueue(request);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                session._problems.Enqueue($"CSP: {message.Text}");
            }
        };
        page.PageError += (_, error) => session._problems.Enqueue($"page error: {error}");
        return session;
    }

    /// <summary>Writes a full-page screenshot named after the test and the step.</summary>
    public async Task ShotAsync(string step, bool fullPage = true)
    {
        var file = Path.Combine(DashboardFixture.ScreenshotFolder, $"{_name}-{Interlocked.Increment(ref _shots):D2}-{step}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = fullPage });
    }

    /// <summary>Opens the dashboard and signs in with the admin key through the form.</summary>
    public async Task SignInAsync()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("Admin key").FillAsync(_adminKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Lines", Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>Creates a line through the page's form and waits for its page; returns its id.</summary>
    public async Task<long> CreateLineAsync(string name)
    {
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create line" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        return long.Parse(LinePath().Match(Page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The status pill of the line's page.</summary>
    public ILocator StatusPill => Page.Locator(".title .pill");

    /// <summary>Fails when the page is wider than the window (horizontal scrolling).</summary>
    public async Task AssertNoHorizontalScrollAsync(string where)
    {
        var (scroll, client) = (await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await Page.EvaluateAsync<int>("() => document.documentElement.clientWidth"));
        Assert.True(scroll <= client, $"{where}: the page is {scroll} px wide in a {client} px window (horizontal scroll).");
    }

    /// <summary>Fails when a request left the service, the page broke its CSP, or a script threw.</summary>
    public void AssertClean()
    {
        Assert.Empty(_problems);
        Assert.All(_requests, r => Assert.True(
            r.Url.StartsWith(Origin + "/", StringComparison.Ordinal) || r.Url.StartsWith("blob:" + Origin + "/", StringComparison.Ordinal) || r.Url.StartsWith("data:", StringComparison.Ordinal),
            $"a request went elsewhere than 127.0.0.1: {r.Url}"));
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    [GeneratedRegex(@"#/lines/(\d+)$")]
    private static partial Regex LinePath();
}
