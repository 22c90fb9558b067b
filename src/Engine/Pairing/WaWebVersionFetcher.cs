using System.Globalization;
using System.Text.RegularExpressions;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// Reads the WhatsApp Web version the way the reference clients do: the page (whatsmeow reads web.whatsapp.com, Baileys
/// its service worker <c>/sw.js</c>) carries WhatsApp Web's build number as <c>"client_revision":N</c>, plain or with
/// escaped quotes inside a JSON string; the version is 2.3000.N.
/// </summary>
public static partial class WaWebVersionFetcher
{
    /// <summary>Where WhatsApp Web publishes it (Baileys' <c>fetchLatestWaWebVersion</c> reads this).</summary>
    public static readonly Uri DefaultUrl = new("https://web.whatsapp.com/sw.js");

    /// <summary>Fetches <paramref name="url"/> and reads the version from it; throws <see cref="WaWebVersionException"/> saying what failed.</summary>
    public static async Task<WaWebVersion> FetchAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);

        // What a browser sends for a top-level fetch of the page (the headers Baileys sends to get past bot checks).
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "none");
        string text;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new WaWebVersionException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new WaWebVersionException($"{url} could not be read: {ex.Message}", ex);
        }

        return TryReadRevision(text, out var revision)
            ? WaWebVersion.FromRevision(revision)
            : throw new WaWebVersionException($"{url} carries no client_revision.");
    }

    /// <summary>Finds <c>"client_revision":N</c> (quotes plain or escaped) in <paramref name="text"/>.</summary>
    public static bool TryReadRevision(string text, out uint revision)
    {
        revision = 0;
        var match = ClientRevision().Match(text ?? "");
        return match.Success && uint.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out revision) && revision > 0;
    }

    [GeneratedRegex("""\\?"client_revision\\?":\s*(\d{1,10})""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ClientRevision();
}
