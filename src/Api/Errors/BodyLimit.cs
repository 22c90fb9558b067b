using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using WaEngine.Api.Hosting;

namespace WaEngine.Api.Errors;

/// <summary>
/// Caps every request body at <see cref="ApiOptions.MaxBodyBytes"/> (an endpoint may raise its own request's cap before
/// reading, as media sends do) and answers a body over its cap with the contract's 413 instead of the server's bare one.
/// </summary>
public static class BodyLimit
{
    /// <summary>Adds the cap and the answer to the pipeline (before the endpoints).</summary>
    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app)
    {
        var cap = app.ApplicationServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxBodyBytes;
        return app.Use(async (context, next) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = cap;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                var current = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? cap;
                await ApiResults.Error(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.TooLarge,
                    $"The request body is over the limit of {current} bytes (Api__MaxBodyBytes).").ExecuteAsync(context).ConfigureAwait(false);
            }
        });
    }
}
