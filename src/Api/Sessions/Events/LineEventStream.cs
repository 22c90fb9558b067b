using System.Text;
using System.Text.Json;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Sessions.Events;

/// <summary>
/// Writes a line's <c>status</c>, <c>reason</c>, <c>qr</c> and <c>pairing_code</c> events as <c>text/event-stream</c>
/// while the client stays: first the current status (with the session view's reason, when it has one, and the QR or
/// pairing code the line shows), then every change as it happens, with a comment line when idle for <c>keepAlive</c> so
/// proxies keep the stream open. Ends when the client leaves or the line is deleted.
/// </summary>
public static class LineEventStream
{
    /// <summary>The stream's content type.</summary>
    public const string ContentType = "text/event-stream";

    private static readonly TimeSpan OpeningQrWait = TimeSpan.FromSeconds(2);

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
        var health = actor.Health;
        var status = health.Status;
        var now = time.GetUtcNow();
        await WriteAsync(response, "status", new StatusEventData(id, status.ToName(), null, health.Reason, health.Until?.ToUniversalTime(), now), cancellationToken).ConfigureAwait(false);
        var reason = SessionReason.Of(status, health.Reason);
        var until = SessionReason.UntilOf(status, health.Reason, health.Until);
        if (reason is not null)
        {
            await WriteAsync(response, "reason", new ReasonEventData(id, status.ToName(), reason, until, now), cancellationToken).ConfigureAwait(false);
        }

        if (await OpeningQrAsync(id, actor, host, time, cancellationToken).ConfigureAwait(false) is { } current)
        {
            await WriteAsync(response, "qr", new QrEventData(id, current.Qr, current.ExpiresAt), cancellationToken).ConfigureAwait(false);
        }

        if (host.CurrentPairingCode(new LineId(id), status) is { } code)
        {
            await WriteAsync(response, "pairing_code", new PairingCodeEventData(id, code.Code, code.Phone, code.At), cancellationToken).ConfigureAwait(false);
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
                        await WriteAsync(response, "status", new StatusEventData(id, change.Change.To.ToName(), change.Change.From.ToName(), change.Change.Reason, change.Change.Until?.ToUniversalTime(), change.At), cancellationToken).ConfigureAwait(false);
                        var next = SessionReason.Of(change.Change.To, change.Change.Reason);
                        var nextUntil = SessionReason.UntilOf(change.Change.To, change.Change.Reason, change.Change.Until);
                        if (next != reason || nextUntil != until)
                        {
                            reason = next;
                            until = nextUntil;
                            await WriteAsync(response, "reason", new ReasonEventData(id, change.Change.To.ToName(), reason, until, change.At), cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case QrCodeIssued qr:
                        await WriteAsync(response, "qr", new QrEventData(id, qr.Qr, qr.ExpiresAt), cancellationToken).ConfigureAwait(false);
                        break;
                    case PairingCodeIssued issued:
                        await WriteAsync(response, "pairing_code", new PairingCodeEventData(id, issued.Code, issued.Phone, issued.At), cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        break;
                }
            }
        }
    }

    /// <summary>
    /// The QR a new stream opens with. The host records each QR from its own subscription, which can trail the actor by a
    /// moment (it journals the status change first); a QR issued just before this stream subscribed would otherwise
    /// reach neither the opening nor the stream, and the client would wait for the next ref (up to a minute). So while
    /// the line is in scan_qr without a recorded QR, this waits for the host to record it (2 s at most).
    /// </summary>
    private static async Task<QrCodeIssued?> OpeningQrAsync(long id, LineActor actor, LineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var lineId = new LineId(id);
        var deadline = time.GetUtcNow() + OpeningQrWait;
        while (true)
        {
            var status = actor.Status;
            if (host.CurrentQr(lineId, status) is { } current)
            {
                return current;
            }

            if (status != LineStatus.ScanQr || time.GetUtcNow() >= deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync<T>(HttpResponse response, string name, T data, CancellationToken cancellationToken)
    {
        var frame = Encoding.UTF8.GetBytes($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n");
        await response.Body.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
