using WaEngine.Api.Errors;
using WaEngine.Api.State;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Conversation;

/// <summary>Reads and checks a location, contact or poll body (<see cref="ConversationRequestReader"/>); 400 before anything else happens.</summary>
public sealed class ConversationRequestFilter(ConversationKind kind, BodyContract contract) : IEndpointFilter
{
    private const string RequestKey = "waengine.conversation";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        // Any send may also route the recipient's reply (CONTRACT §3c): state {handler, ttl_seconds, context?}.
        var (request, error) = await SendBodyReader.ReadAsync(http, body => ConversationRequestReader.Read(body, kind, contract), r => r.To, (r, state) => r with { State = state }).ConfigureAwait(false);
        if (request is null)
        {
            return error;
        }

        http.Items[RequestKey] = request;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The checked request of a filtered call.</summary>
    public static ConversationRequest RequestOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (ConversationRequest)context.Items[RequestKey]!;
    }
}
