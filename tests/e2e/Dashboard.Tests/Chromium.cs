namespace WaEngine.Dashboard.Tests;

/// <summary>Where the browser is: Debian's chromium (installed by .ci/run), or WAENGINE_CHROMIUM.</summary>
internal static class Chromium
{
    public const string DebianPath = "/usr/bin/chromium";

    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("WAENGINE_CHROMIUM") is { Length: > 0 } configured ? configured : DebianPath;
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"No browser at {path}: install Debian's chromium (apt-get install chromium; bash .ci/run does) or set WAENGINE_CHROMIUM.", path);
        }
    }

    /// <summary>Flags for a headless run that talks to nobody but the page's own server.</summary>
    public static readonly string[] Arguments =
    [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-domain-reliability",
        "--disable-sync",
        "--no-default-browser-check",
        "--no-first-run",
        "--no-pings",
        "--metrics-recording-only",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    ];
}
