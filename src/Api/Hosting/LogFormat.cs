namespace WaEngine.Api.Hosting;

/// <summary>
/// <c>Logging__Format</c>: <c>simple</c> (the default: one readable line per entry) or <c>json</c> (one JSON object per
/// line, UTC timestamps, with the scopes — a line's entries carry its <c>LineId</c> — for log shippers).
/// </summary>
public static class LogFormat
{
    /// <summary>Applies the configured format to <paramref name="logging"/>.</summary>
    /// <exception cref="InvalidOperationException">The setting names another format.</exception>
    public static void Apply(ILoggingBuilder logging, IConfiguration configuration)
    {
        var format = configuration["Logging:Format"];
        if (string.IsNullOrWhiteSpace(format) || format.Equals("simple", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (!format.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Logging__Format is '{format}': it must be 'simple' or 'json'.");
        }

        logging.ClearProviders();
        logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }
}
