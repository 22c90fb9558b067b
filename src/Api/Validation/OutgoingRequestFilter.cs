using WaEngine.Api.Errors;
using WaEngine.Api.Messages;
using WaEngine.Api.State;

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

        // Any send may also route the recipient's reply (CONTRACT §3c): state {handler, ttl_seconds, context?}.
        if (body.Object("state") is { } stateBody)
        {
            var state = ReplyStateReader.Read(stateBody, request!.To, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
            if (state is null)
            {
                return body.ErrorResult(http);
            }

            request = request with { State = state };
        }
        else if (body.Problem is not null)
        {
            return body.ErrorResult(http);
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
