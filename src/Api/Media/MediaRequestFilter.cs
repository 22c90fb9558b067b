using WaEngine.Api.Errors;
using WaEngine.Api.Validation;
using WaEngine.Engine.Media;

namespace WaEngine.Api.Media;

/// <summary>Reads and checks a media send body (<see cref="MediaRequestReader"/>) before anything else happens: 400/413 with the field at fault.</summary>
public sealed class MediaRequestFilter(MediaKind kind, BodyContract contract) : IEndpointFilter
{
    private const string RequestKey = "waengine.media";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var sender = http.RequestServices.GetRequiredService<MediaSender>();
        MediaRequest request;
        try
        {
            request = await MediaRequestReader.ReadAsync(http, kind, contract, sender.MaxBytes(kind)).ConfigureAwait(false);
        }
        catch (MediaRequestException refused)
        {
            return ApiResults.From(http, refused.Problem);
        }

        http.Response.RegisterForDispose(request);
        http.Items[RequestKey] = request;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The checked request of a filtered call.</summary>
    public static MediaRequest RequestOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (MediaRequest)context.Items[RequestKey]!;
    }
}
