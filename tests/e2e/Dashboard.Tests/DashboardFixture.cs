using System.Net.Http.Headers;
using WaEngine.TestKit;

namespace WaEngine.Dashboard.Tests;

/// <summary>
/// One service process in sandbox mode (its own temporary data folder) and one headless chromium, shared by the
/// dashboard tests; each test opens its own browser context and makes its own lines and virtual phones.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private ServiceProcess? _service;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal ServiceProcess Service => _service ?? throw new InvalidOperationException("The fixture has not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    public Uri BaseAddress => Service.BaseAddress;

    public string AdminKey => File.ReadAllText(Path.Combine(_data.Path, "admin.key")).Trim();

    /// <summary>Where screenshots go: TestResults/dashboard at the repository root (not committed).</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(RepoPaths.Root, "TestResults", "dashboard");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotFolder);

        // Two shared cores: give assertions the same patience as actions.
        Assertions.SetDefaultExpectTimeout(15_000);
        _service = await ServiceProcess.StartAsync(_data.Path, ["--sandbox"]);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = Chromium.Arguments,
        });
    }

    /// <summary>An HTTP client with the admin key, for checking what the page did through the API.</summary>
    public HttpClient Admin()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>An HTTP client with a line token.</summary>
    public HttpClient Line(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-API-Token", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();

            // The service's own log beside the screenshots: what the lines did while the page watched.
            await File.WriteAllTextAsync(Path.Combine(ScreenshotFolder, "service.log"), _service.Output);
        }

        _data.Dispose();
    }
}
