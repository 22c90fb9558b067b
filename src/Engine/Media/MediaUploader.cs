using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace WaEngine.Engine.Media;

/// <summary>
/// Uploads an encrypted blob the way WhatsApp Web does: <c>POST https://&lt;host&gt;/mms/&lt;type&gt;/&lt;token&gt;?auth=…&amp;token=…</c>
/// with <c>token</c> = base64url(fileEncSha256) without padding, <c>Origin: https://web.whatsapp.com</c>, the blob as the
/// body (streamed from its file). Hosts from <c>media_conn</c> are tried in turn; when a host refuses the auth (401/403)
/// the auth is asked for again once and the hosts are tried again. Every failure names the hosts and what they answered.
/// </summary>
public sealed partial class MediaUploader
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    /// <summary>Uploads with <paramref name="http"/> (its handler decides which TLS roots are trusted).</summary>
    public MediaUploader(HttpClient http, ILogger logger)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Uploads the blob that <paramref name="openBlob"/> opens (it is opened again for each attempt).</summary>
    /// <param name="mediaConn">The line's <c>media_conn</c>: called with null first, then with the stale answer's time to refresh it.</param>
    /// <param name="kind">The media kind (its upload path).</param>
    /// <param name="openBlob">Opens the encrypted blob from its start.</param>
    /// <param name="encrypted">The blob's hashes and length.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <exception cref="MediaException"><see cref="MediaErrorCodes.UploadFailed"/> when no host took it.</exception>
    public async Task<UploadedMedia> UploadAsync(Func<DateTimeOffset?, CancellationToken, Task<MediaConn>> mediaConn, MediaKind kind,
        Func<Stream> openBlob, EncryptedMedia encrypted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediaConn);
        ArgumentNullException.ThrowIfNull(openBlob);
        ArgumentNullException.ThrowIfNull(encrypted);
        var token = Convert.ToBase64String(encrypted.FileEncSha256).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var failures = new List<string>();
        var conn = await mediaConn(null, cancellationToken).ConfigureAwait(false);
        for (var round = 0; round < 2; round++)
        {
            var authRefused = false;
            foreach (var host in conn.Hosts)
            {
                var url = $"https://{host}/mms/{MediaKinds.UploadType(kind)}/{token}?auth={Uri.EscapeDataString(conn.Auth)}&token={token}";
                var (uploaded, failure, refused) = await TryUploadAsync(url, openBlob, encrypted, cancellationToken).ConfigureAwait(false);
                if (uploaded is not null)
                {
                    return uploaded;
                }

                LogHostFailed(host, failure!);
                failures.Add($"{host}: {failure}");
                authRefused |= refused;
            }

            if (!authRefused || round == 1)
            {
                break;
            }

            conn = await mediaConn(conn.FetchedAt, cancellationToken).ConfigureAwait(false);
        }

        throw new MediaException(MediaErrorCodes.UploadFailed, $"The {MediaKinds.Name(kind)} upload failed on every media host ({string.Join("; ", failures)}).");
    }

    private async Task<(UploadedMedia? Uploaded, string? Failure, bool AuthRefused)> TryUploadAsync(string url, Func<Stream> openBlob, EncryptedMedia encrypted, CancellationToken cancellationToken)
    {
        var blob = openBlob();
        await using (blob.ConfigureAwait(false))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StreamContent(blob, 64 * 1024) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.ContentLength = encrypted.BlobLength;
            request.Headers.TryAddWithoutValidation("Origin", "https://web.whatsapp.com");
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                    return (null, $"HTTP {(int)response.StatusCode} {Shorten(text)}", refused);
                }

                return Parse(text, encrypted) is { } uploaded ? (uploaded, null, false) : (null, $"an answer without url and direct_path: {Shorten(text)}", false);
            }
            catch (HttpRequestException ex)
            {
                return (null, ex.Message, false);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                return (null, "timed out: " + ex.Message, false);
            }
        }
    }

    private static UploadedMedia? Parse(string text, EncryptedMedia encrypted)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                && root.TryGetProperty("direct_path", out var path) && path.ValueKind == JsonValueKind.String)
            {
                return new UploadedMedia(url.GetString()!, path.GetString()!, encrypted);
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media upload to {Host} failed: {Failure}")]
    private partial void LogHostFailed(string host, string failure);
}
