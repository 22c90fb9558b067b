using System.Text;
using System.Text.Json;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Sessions.Events;

/// <summary>
/// Writes a line's <c>status</c> and <c>qr</c> events as <c>text/event-stream</c> while the client stays: first the
/// current status (and QR, while scan_qr), then every change as it happens, with a comment line when idle for
/// <c>keepAlive</c> so proxies keep the stream open. Ends when the client leaves or the line is deleted.
/// </summary>
public static class LineEventStream
{
    /// <summary>The stream's content type.</summary>
    public const string ContentType = "text/event-stream";

    private static readonly byte[] KeepAliveLine = ": keep-alive\n\n"u8.ToArray();

    /// <summary>Streams line <paramref name="id"/>'s events to <paramref name="response"/> until <paramref name="cancellationToken"/> fires or the line goes.</summary>
    public static async Task RunAsync(HttpResponse response, long id, LineActor actor, LineHost host, TimeProvider time, TimeSpan keepAlive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        using var subscription = actor.Subscribe(64);
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var status = actor.Status;
        await WriteAsync(response, "status", new StatusEventData(id, status.ToName(), null, null, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (host.CurrentQr(new LineId(id), status) is { } current)
        {
            await WriteAsync(response, "qr", new QrEventData(id, current.Qr, current.ExpiresAt), cancellationToken).ConfigureAwait(false);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(keepAlive);
            try
            {
                if (!await subscription.Reader.WaitToReadAsync(idle.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await response.Body.WriteAsync(KeepAliveLine, cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            while (subscription.Reader.TryRead(out var update))
            {
                switch (update)
                {
                    case StatusChanged change:
                        await WriteAsync(response, "status", new StatusEventData(id, change.Change.To.ToName(), change.Change.From.ToName(), change.Change.Reason, change.At), cancellationToken).ConfigureAwait(false);
                        break;
                    case QrCodeIssued qr:
                        await WriteAsync(response, "qr", new QrEventData(id, qr.Qr, qr.ExpiresAt), cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private static async Task WriteAsync<T>(HttpResponse response, string name, T data, CancellationToken cancellationToken)
    {
        var frame = Encoding.UTF8.GetBytes($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n");
        await response.Body.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
