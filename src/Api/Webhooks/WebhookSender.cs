using System.Globalization;
using System.Net.Http.Headers;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Webhooks;

/// <summary>
/// Makes one attempt: POSTs the delivery's body with the event, delivery id, timestamp and (with a secret) signature
/// headers, and turns whatever happens — an answer, a timeout, a connection error — into a <see cref="WebhookAttempt"/>.
/// Redirects are not followed (a 3xx is a failed attempt, named as such).
/// </summary>
public sealed class WebhookSender(HttpClient http, WebhookOptions options, TimeProvider time)
{
    /// <summary>The User-Agent of every attempt.</summary>
    public const string UserAgent = "WaEngine-Webhooks/1";

    private const int ErrorSnippet = 200;

    /// <summary>One attempt of <paramref name="delivery"/> to <paramref name="url"/>; throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<WebhookAttempt> SendAsync(Uri url, string? secret, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Add("X-WaEngine-Event", delivery.Event);
        request.Headers.Add("X-WaEngine-Delivery", delivery.DeliveryId);
        request.Headers.Add("X-WaEngine-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(secret))
        {
            request.Headers.Add("X-WaEngine-Signature", WebhookSignature.Compute(secret, timestamp, delivery.Body));
        }

        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new WebhookAttempt(true, code, null);
            }

            if (code is >= 300 and < 400)
            {
                return new WebhookAttempt(false, code, $"HTTP {code}: redirect to {response.Headers.Location} not followed; set the final URL.");
            }

            var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            var snippet = text.Length > ErrorSnippet ? text[..ErrorSnippet] + "…" : text;
            return new WebhookAttempt(false, code, $"HTTP {code} {response.ReasonPhrase}{(snippet.Length > 0 ? ": " + snippet.ReplaceLineEndings(" ") : "")}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, string.Create(CultureInfo.InvariantCulture, $"no answer within {options.Timeout.TotalSeconds:0.###} s"));
        }
        catch (HttpRequestException failed)
        {
            return new WebhookAttempt(false, null, $"connection failed: {failed.Message}");
        }
        catch (IOException broken)
        {
            // The answer broke off while its body was read (HttpIOException).
            return new WebhookAttempt(false, null, $"connection broke: {broken.Message}");
        }
    }
}
