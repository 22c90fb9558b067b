using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using WaEngine.Api.Hosting;

namespace WaEngine.Api.Media;

/// <summary>
/// Fetches a media <c>url</c> safely: http(s) only; every address connected to (redirects included) checked by
/// <see cref="AddressPolicy"/> at connect time, so DNS tricks and odd spellings of an address change nothing; at most
/// <see cref="MediaFetchOptions.MaxRedirects"/> redirects, each one checked again; the whole fetch within
/// <see cref="MediaFetchOptions.Timeout"/>; a body over the limit refused by its <c>Content-Length</c> or as soon as
/// it passes the limit (read through a counting stream). Each refusal is a 400 (413 for size) naming <c>url</c> and the reason; nothing hangs.
/// </summary>
public sealed class MediaUrlFetcher : IDisposable
{
    private readonly HttpClient _http;
    private readonly MediaFetchOptions _options;

    /// <summary>Fetches under the service's <see cref="ApiOptions.MediaFetch"/>.</summary>
    public MediaUrlFetcher(IOptions<ApiOptions> options)
        : this(options?.Value.MediaFetch ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Fetches under <paramref name="options"/>.</summary>
    public MediaUrlFetcher(MediaFetchOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("WaEngine-MediaFetch/1.0");
    }

    /// <summary>
    /// Fetches <paramref name="url"/> and hands its body to <paramref name="consume"/> (with the declared length, if any)
    /// under the fetch's deadline. Throws <see cref="MediaRequestException"/> for every refusal.
    /// </summary>
    public async Task FetchAsync(string url, long maxBytes, Func<Stream, long?, CancellationToken, Task> consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        var token = deadline.Token;
        try
        {
            var current = CheckUrl(url, url);
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                if (IsRedirect(response.StatusCode))
                {
                    if (redirects >= _options.MaxRedirects)
                    {
                        throw MediaRequestException.Invalid("url", $"The url redirected more than {_options.MaxRedirects} times.");
                    }

                    var location = response.Headers.Location ?? throw MediaRequestException.Invalid("url", $"The url answered {(int)response.StatusCode} without a Location.");
                    current = CheckUrl(new Uri(current, location).ToString(), url);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw MediaRequestException.Invalid("url", $"The url answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                var length = response.Content.Headers.ContentLength;
                if (length > maxBytes)
                {
                    throw MediaRequestException.TooLarge("url", $"The file at the url ({length} bytes by its Content-Length)", maxBytes);
                }

                var body = new WithinLimitStream(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), maxBytes);
                await using (body.ConfigureAwait(false))
                {
                    await consume(body, length, token).ConfigureAwait(false);
                }

                return;
            }
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MediaRequestException(Errors.ApiProblem.Invalid("url", $"Fetching the url took longer than {_options.Timeout.TotalSeconds:0.#} s."), ex);
        }
        catch (HttpRequestException ex)
        {
            var refused = FindRefusal(ex);
            throw new MediaRequestException(Errors.ApiProblem.Invalid("url", refused is not null
                ? $"The url is refused: {refused.Message}."
                : $"The url could not be fetched: {ex.Message}"), ex);
        }
        catch (IOException ex) when (FindRefusal(ex) is null)
        {
            throw new MediaRequestException(Errors.ApiProblem.Invalid("url", $"Reading the file at the url failed: {ex.Message}"), ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static Uri CheckUrl(string candidate, string original)
    {
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            var what = candidate == original ? "url" : $"The redirect target '{candidate}'";
            throw MediaRequestException.Invalid("url", candidate == original
                ? $"url must be an absolute http:// or https:// URL (not '{Shorten(candidate)}')."
                : $"{what} is not an http:// or https:// URL.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw MediaRequestException.Invalid("url", "url must not carry a user name or password.");
        }

        return uri;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var refusals = new List<string>();
        SocketException? lastFailure = null;
        foreach (var address in addresses)
        {
            if (AddressPolicy.RefusalOf(address, _options.AllowPrivate) is { } refusal)
            {
                refusals.Add(refusal);
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastFailure = ex;
            }
        }

        if (lastFailure is not null)
        {
            throw lastFailure;
        }

        throw new AddressRefusedException(refusals.Count > 0 ? $"{host} resolves to {string.Join("; ", refusals)}" : $"{host} resolves to no address");
    }

    private static AddressRefusedException? FindRefusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is AddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private sealed class AddressRefusedException(string message) : IOException(message);

    // A body without a Content-Length (or lying about it) is refused as soon as it passes the limit.
    private sealed class WithinLimitStream(Stream inner, long maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            return _read > maxBytes
                ? throw MediaRequestException.TooLarge("url", $"The file at the url (more than {_read} bytes)", maxBytes)
                : read;
        }
    }
}
