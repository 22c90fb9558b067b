using WaEngine.Store;

namespace WaEngine.Api.Errors;

/// <summary>
/// Answers a request whose write the full disk refused (<see cref="StorageFull"/>) with the contract's 507
/// <c>storage_full</c> instead of a bare 500: nothing was stored or sent, and the same request (the same
/// <c>Idempotency-Key</c>) succeeds once space returns.
/// </summary>
public static partial class StorageFullAnswer
{
    /// <summary>Adds the answer to the pipeline (before the endpoints).</summary>
    public static IApplicationBuilder UseStorageFullAnswer(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("WaEngine.StorageFull");
        var data = app.ApplicationServices.GetRequiredService<Hosting.DataFolder>().Path;
        string[] folders = [data, Path.Combine(data, "lines")];
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageFull.Is(ex, folders) && !context.Response.HasStarted)
            {
                LogRefused(logger, context.Request.Method, context.Request.Path, ex.Message);
                context.Response.Clear();
                context.Response.Headers.RetryAfter = "30";
                await ApiResults.Error(context, StatusCodes.Status507InsufficientStorage, ErrorCodes.StorageFull,
                    "The service's disk is full: nothing was stored or sent. Free space in its data folder and repeat the request (with the same Idempotency-Key).")
                    .ExecuteAsync(context).ConfigureAwait(false);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The disk is full: {Method} {Path} answered 507 ({Reason})")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
