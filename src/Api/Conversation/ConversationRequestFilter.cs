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
        var (body, error) = await JsonBody.ReadAsync(http).ConfigureAwait(false);
        if (body is null)
        {
            return error;
        }

        var (request, problem) = ConversationRequestReader.Read(body, kind, contract);
        if (problem is not null)
        {
            return ApiResults.From(http, problem);
        }

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

    /// <summary>The checked request of a filtered call.</summary>
    public static ConversationRequest RequestOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (ConversationRequest)context.Items[RequestKey]!;
    }
}
