using System.Security.Cryptography;
using System.Text;
using OpenTelemetry.Metrics;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;

namespace WaEngine.Api.Observability;

/// <summary>
/// <c>GET /metrics</c>: OpenTelemetry's Prometheus exporter (text exposition format) over the service's meter, .NET's
/// runtime meters (GC, thread pool, exceptions) and the process's (CPU, memory). It needs the admin key
/// (<c>Authorization: Bearer</c>) unless <c>Metrics__Open=true</c> (a scraper inside a trusted network).
/// </summary>
public static class MetricsEndpoint
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers the meters, the exporter and <see cref="ServiceMetrics"/>.</summary>
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        services.AddSingleton<ServiceMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServiceMetrics.MeterName)
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation()
            // One series per line and label set: the default limit (2,000 per metric) would silently fold lines together
            // past a few hundred lines; each stream's table is allocated whole, so only the service's own metrics get more.
            .AddView(MetricLimits.For)
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>Serves <see cref="Path"/>; <paramref name="open"/> lets it through without the admin key.</summary>
    public static IApplicationBuilder UseServiceMetrics(this IApplicationBuilder app, bool open) =>
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path == Path,
            path: null,
            configureBranchedPipeline: branch => branch.Use(async (context, next) =>
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    context.Response.Headers.Allow = "GET, HEAD";
                    return;
                }

                if (!open && !HasAdminKey(context))
                {
                    await ApiResults.Unauthorized(context, "/metrics needs Authorization: Bearer <admin key>, or Metrics__Open=true for a scraper on a trusted network.")
                        .ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }

                await context.RequestServices.GetRequiredService<ServiceMetrics>().RefreshAsync(context.RequestAborted).ConfigureAwait(false);
                await next(context).ConfigureAwait(false);
            }),
            optionsName: null);

    private static bool HasAdminKey(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var key = context.RequestServices.GetRequiredService<AdminKeyHolder>().Value;
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim())),
            SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
