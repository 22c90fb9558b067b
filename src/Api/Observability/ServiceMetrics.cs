using System.Diagnostics.Metrics;
using WaEngine.Api.Sessions;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Observability;

/// <summary>
/// The service's own figures for <c>/metrics</c> (CONTRACT §1), on the <see cref="MeterName"/> meter: lines by status and,
/// per line (labelled by line id, never by phone number), frames in and out, connections replaced by reason, the age of
/// the last frame, messages sent, received and failed by reason, the send queue and the webhook backlog; webhook
/// deliveries by outcome. Everything is read from the lines when Prometheus scrapes — an idle line does no work for its
/// metrics — and the two figures that need the line's database (send queue, webhook backlog) are read just before the
/// scrape by <see cref="RefreshAsync"/>.
/// </summary>
public sealed class ServiceMetrics : IDisposable
{
    /// <summary>The meter every WaEngine instrument is on.</summary>
    public const string MeterName = "WaEngine";

    private static readonly Meter DeliveryMeter = new(MeterName);
    private static readonly Counter<long> Deliveries = DeliveryMeter.CreateCounter<long>(
        "waengine.webhook.deliveries", "{attempt}", "Webhook delivery attempts by outcome: delivered, retrying (will be tried again), failed (given up).");

    private readonly Meter _meter = new(MeterName);
    private readonly ILineOwner _owner;
    private readonly LineHost _host;
    private readonly TimeProvider _time;
    private volatile Dictionary<LineId, (int SendQueue, int WebhookBacklog)> _backlogs = [];

    /// <summary>Creates the instruments over the lines <paramref name="owner"/> holds.</summary>
    public ServiceMetrics(ILineOwner owner, LineHost host, TimeProvider time)
    {
        _owner = owner;
        _host = host;
        _time = time;
        _meter.CreateObservableGauge("waengine.lines", LinesByStatus, "{line}", "Lines held open by this node, by status.");
        _meter.CreateObservableGauge("waengine.line.connected", () => PerLine(h => h.Status == LineStatus.Connected ? 1L : 0L), "{line}", "1 when the line is connected, else 0.");
        _meter.CreateObservableGauge("waengine.line.last_frame_age", LastFrameAge, "s", "Seconds since the line last received a frame from the server (absent before the first).");
        _meter.CreateObservableCounter("waengine.line.frames.received", () => PerLine(h => h.FramesReceived), "{frame}", "Frames received from the server.");
        _meter.CreateObservableCounter("waengine.line.frames.sent", () => PerLine(h => h.FramesSent), "{frame}", "Frames sent to the server.");
        _meter.CreateObservableCounter("waengine.line.reconnects", Reconnects, "{connection}", "Connections given up and replaced, by reason.");
        _meter.CreateObservableCounter("waengine.line.messages.received", () => PerActor(a => a.Tally.Received), "{message}", "Inbound messages stored.");
        _meter.CreateObservableCounter("waengine.line.messages.sent", () => PerActor(a => a.Tally.Sent), "{message}", "Outbound messages written to the server.");
        _meter.CreateObservableCounter("waengine.line.messages.failed", FailedMessages, "{message}", "Outbound messages that failed, by reason (the server's code, or encryption, expired, other).");
        _meter.CreateObservableCounter("waengine.line.decrypt.failures", DecryptFailures, "{message}", "Incoming messages that did not decrypt, by kind (no_session, bad_mac, invalid_prekey_id, invalid_message, …); each is answered with a retry receipt or, after the last retry, given up.");
        _meter.CreateObservableCounter("waengine.line.decrypt.recovered", () => PerActor(a => a.Tally.DecryptRecovered), "{message}", "Incoming messages that decrypted after a retry receipt.");
        _meter.CreateObservableCounter("waengine.line.decrypt.gave_up", () => PerActor(a => a.Tally.DecryptGaveUp), "{message}", "Incoming messages given up on after the last retry receipt.");
        _meter.CreateObservableCounter("waengine.line.retry_receipts.sent", () => PerActor(a => a.Tally.RetryReceiptsSent), "{receipt}", "Retry receipts the line sent for messages it could not decrypt.");
        _meter.CreateObservableCounter("waengine.line.retry_receipts.received", () => PerActor(a => a.Tally.RetryReceiptsReceived), "{receipt}", "Retry receipts the line received for its own messages.");
        _meter.CreateObservableGauge("waengine.line.send_queue", () => Backlog(b => b.SendQueue), "{message}", "Messages waiting in the line's durable send queue.");
        _meter.CreateObservableGauge("waengine.line.webhook_backlog", () => Backlog(b => b.WebhookBacklog), "{event}", "Events the line's webhook has not received yet.");
    }

    /// <summary>Counts one webhook delivery attempt of <paramref name="lineId"/> with <paramref name="outcome"/> (delivered, retrying, failed).</summary>
    public static void DeliveryAttempted(LineId lineId, string outcome) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>("line", lineId.ToString()), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Reads each open line's send queue and webhook backlog from its database (before a scrape).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var backlogs = new Dictionary<LineId, (int, int)>();
        foreach (var (id, _) in _owner.Opened)
        {
            try
            {
                backlogs[id] = await _host.BacklogAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A line being closed or deleted mid-scrape: it simply has no backlog figure this time.
            }
        }

        _backlogs = backlogs;
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> LinesByStatus()
    {
        var counts = Enum.GetValues<LineStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var (_, line) in _owner.Opened)
        {
            counts[line.Actor.Health.Status]++;
        }

        return counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("status", c.Key.ToName())));
    }

    private IEnumerable<Measurement<long>> PerLine(Func<LineHealth, long> read) => PerActor(actor => read(actor.Health));

    private IEnumerable<Measurement<long>> PerActor(Func<LineActor, long> read) =>
        _owner.Opened.Select(l => new Measurement<long>(read(l.Line.Actor), LineTag(l.Id))).ToList();

    private IEnumerable<Measurement<double>> LastFrameAge()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, line) in _owner.Opened)
        {
            if (line.Actor.Health.LastFrameReceived is { } last)
            {
                yield return new Measurement<double>(Math.Max(0, (now - last).TotalSeconds), LineTag(id));
            }
        }
    }

    private IEnumerable<Measurement<long>> Reconnects()
    {
        foreach (var (id, line) in _owner.Opened)
        {
            foreach (var (reason, count) in line.Actor.Health.ReconnectsByReason ?? new Dictionary<string, long>())
            {
                yield return new Measurement<long>(count, LineTag(id), new KeyValuePair<string, object?>("reason", reason));
            }
        }
    }

    private IEnumerable<Measurement<long>> FailedMessages()
    {
        foreach (var (id, line) in _owner.Opened)
        {
            foreach (var (reason, count) in line.Actor.Tally.FailedByReason)
            {
                yield return new Measurement<long>(count, LineTag(id), new KeyValuePair<string, object?>("reason", reason));
            }
        }
    }

    private IEnumerable<Measurement<long>> DecryptFailures()
    {
        foreach (var (id, line) in _owner.Opened)
        {
            foreach (var (kind, count) in line.Actor.Tally.DecryptFailuresByKind)
            {
                yield return new Measurement<long>(count, LineTag(id), new KeyValuePair<string, object?>("kind", kind));
            }
        }
    }

    private IEnumerable<Measurement<long>> Backlog(Func<(int SendQueue, int WebhookBacklog), int> read) =>
        _backlogs.Select(b => new Measurement<long>(read(b.Value), LineTag(b.Key))).ToList();

    private static KeyValuePair<string, object?> LineTag(LineId id) => new("line", id.ToString());
}
