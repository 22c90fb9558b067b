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
        // Any send may also route the recipient's reply (CONTRACT §3c): state {handler, ttl_seconds, context?}.
        var (request, error) = await SendBodyReader.ReadAsync(http, body => OutgoingRequestReader.Read(body, kind, contract), r => r.To, (r, state) => r with { State = state }).ConfigureAwait(false);
        if (request is null)
        {
            return error;
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
