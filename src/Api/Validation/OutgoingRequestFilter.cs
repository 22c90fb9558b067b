using WaEngine.Api.Errors;
using WaEngine.Api.Messages;

namespace WaEngine.Api.Validation;

/// <summary>Reads and checks the body of one kind of send against its body record (<see cref="OutgoingRequestReader"/>, <see cref="BodyContract"/>); 400 before anything else happens.</summary>
public sealed class OutgoingRequestFilter(OutgoingKind kind, BodyContract contract) : IEndpointFilter
{
    private const string RequestKey = "waengine.outgoing";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var (body, error) = await JsonBody.ReadAsync(http).ConfigureAwait(false);
        if (body is null)
        {
            return error;
        }

        var (request, problem) = OutgoingRequestReader.Read(body, kind, contract);
        if (problem is not null)
        {
            return ApiResults.From(http, problem);
        }

        http.Items[RequestKey] = request;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The validated request of a filtered call.</summary>
    public static OutgoingRequest RequestOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (OutgoingRequest)context.Items[RequestKey]!;
    }
}
