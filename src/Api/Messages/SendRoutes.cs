using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.Idempotency;
using WaEngine.Api.Messages.Views;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Messages;

/// <summary>
/// The route shape every send endpoint shares (the text family in <c>MessageEndpoints</c>, location, contact and poll in
/// <c>ConversationEndpoints</c>): the <c>/api/messages</c> group behind the line token with idempotency, and one POST per
/// body with its request filter, the line's readiness, the send rate limit, the 202 answer and the documented errors.
/// </summary>
internal static class SendRoutes
{
    /// <summary>What every send's description ends with.</summary>
    public const string IdempotencyNote =
        " Give an `Idempotency-Key` header to make a retry safe: a repeat with the same key and body answers the first answer again and sends nothing.";

    /// <summary>The <c>/api/messages</c> group: line token, idempotent POSTs, tagged Messages.</summary>
    public static RouteGroupBuilder MapLineMessages(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/messages")
            .AddEndpointFilter<LineTokenFilter>()
            .AddEndpointFilter<IdempotencyFilter>()
            .WithTags("Messages")
            .WithMetadata(ApiAuth.Line)
            .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// One send: POST <paramref name="pattern"/> with body <typeparamref name="TBody"/> read by <paramref name="requestFilter"/>,
    /// named <paramref name="name"/>, answering 202 <see cref="QueuedAnswer"/> or one of <paramref name="errors"/>.
    /// </summary>
    public static RouteHandlerBuilder MapSend<TBody>(
        this RouteGroupBuilder group, string pattern, Delegate handler, IEndpointFilter requestFilter, string name, string summary, string description, params int[] errors)
        where TBody : notnull =>
        group.MapPost(pattern, handler)
            .AddEndpointFilter(requestFilter)
            .AddEndpointFilter<LineReadyFilter>()
            .RequireRateLimiting(LineRateLimits.Sends)
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + IdempotencyNote)
            .Accepts<TBody>("application/json")
            .Produces<QueuedAnswer>(StatusCodes.Status202Accepted)
            .ProducesErrors(errors);
}
