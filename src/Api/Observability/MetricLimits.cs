using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace WaEngine.Api.Observability;

/// <summary>
/// How many series each metric may hold. OpenTelemetry allocates a stream's whole table (about 72 bytes a series, plus
/// its index) when the stream is created, so one limit for every stream cost the service about 490 MB of memory in 26
/// tables of 200,000 (bench/results/restore-1000.md): more than the thousand lines it ran. The service's per-line metrics
/// get room for <see cref="Lines"/> lines, those also split by reason or kind room for <see cref="LinesByReason"/>
/// series; .NET's runtime and process metrics (a handful of series each) keep OpenTelemetry's default (2,000).
/// </summary>
public static class MetricLimits
{
    /// <summary>Series of a per-line metric: one per line, for up to this many lines in one service.</summary>
    public const int Lines = 20_000;

    /// <summary>
    /// Series of a per-line metric split by reason, kind or outcome (reconnects, failed sends, decrypt failures, webhook
    /// deliveries): ten each for 10,000 lines.
    /// </summary>
    public const int LinesByReason = 100_000;

    private static readonly HashSet<string> ByReason = ["waengine.line.reconnects", "waengine.line.messages.failed", "waengine.line.decrypt.failures", "waengine.webhook.deliveries"];

    /// <summary>The stream configuration for <paramref name="instrument"/>; null keeps OpenTelemetry's default.</summary>
    public static MetricStreamConfiguration? For(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (instrument.Meter.Name != ServiceMetrics.MeterName)
        {
            return null;
        }

        return new MetricStreamConfiguration { CardinalityLimit = ByReason.Contains(instrument.Name) ? LinesByReason : Lines };
    }
}
