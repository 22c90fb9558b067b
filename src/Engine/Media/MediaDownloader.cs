using System.Net;

namespace WaEngine.Engine.Media;

/// <summary>
/// Fetches an encrypted blob into a file: the message's <c>url</c> first, then <c>https://&lt;host&gt;&lt;directPath&gt;</c> on
/// each media host in turn (whatsmeow's rotation; WhatsApp's default host when the line knows no others). A blob
/// every host answers 404 or 410 for has expired (<see cref="MediaErrorCodes.Expired"/>: ask the sender's phone to upload
/// it again); any other failure is <see cref="MediaErrorCodes.DownloadFailed"/> with what each host said.
/// </summary>
public sealed class MediaDownloader
{
    /// <summary>WhatsApp's media host when nothing else is known.</summary>
    public const string DefaultHost = "mmg.whatsapp.net";

    private readonly HttpClient _http;

    /// <summary>Downloads with <paramref name="http"/>.</summary>
    public MediaDownloader(HttpClient http) => _http = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary>Writes the blob into <paramref name="destination"/> (a seekable stream, emptied before each attempt).</summary>
    /// <exception cref="MediaException">Expired, too large, or failed on every source.</exception>
    public async Task DownloadAsync(string? url, string? directPath, IReadOnlyList<string> hosts, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(destination);
        var sources = new List<string>();
        if (url is not null && url.StartsWith("https://", StringComparison.Ordinal))
        {
            sources.Add(url);
        }

        if (!string.IsNullOrEmpty(directPath) && directPath.StartsWith('/'))
        {
            sources.AddRange((hosts.Count > 0 ? hosts : [DefaultHost]).Select(host => "https://" + host + directPath).Where(s => !sources.Contains(s)));
        }

        if (sources.Count == 0)
        {
            throw new MediaException(MediaErrorCodes.DownloadFailed, "The message has neither an https url nor a direct path to download its media from.");
        }

        var failures = new List<string>();
        var gone = 0;
        foreach (var source in sources)
        {
            destination.SetLength(0);
            destination.Position = 0;
            try
            {
                using var response = await _http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                {
                    gone++;
                    failures.Add($"{HostOf(source)}: HTTP {(int)response.StatusCode}");
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{HostOf(source)}: HTTP {(int)response.StatusCode}");
                    continue;
                }

                if (response.Content.Headers.ContentLength > maxBytes)
                {
                    throw new MediaException(MediaErrorCodes.TooLarge, $"The media blob has {response.Content.Headers.ContentLength} bytes; the limit is {maxBytes}.");
                }

                var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    await CopyLimitedAsync(body, destination, maxBytes, cancellationToken).ConfigureAwait(false);
                }

                await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{HostOf(source)}: {ex.Message}");
            }
            catch (IOException ex)
            {
                failures.Add($"{HostOf(source)}: {ex.Message}");
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{HostOf(source)}: timed out ({ex.Message})");
            }
        }

        var summary = string.Join("; ", failures);
        throw gone == sources.Count
            ? new MediaException(MediaErrorCodes.Expired, $"The media is no longer on the media hosts ({summary}); the sender's phone has to upload it again.")
            : new MediaException(MediaErrorCodes.DownloadFailed, $"The media could not be downloaded ({summary}).");
    }

    private static async Task CopyLimitedAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new MediaException(MediaErrorCodes.TooLarge, $"The media blob is over the limit of {maxBytes} bytes.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : url;
}
