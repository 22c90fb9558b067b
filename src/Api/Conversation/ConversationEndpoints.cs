using WaEngine.Api.Auth;
using WaEngine.Api.Conversation.Bodies;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Idempotency;
using WaEngine.Api.Messages;
using WaEngine.Api.Messages.Views;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Validation;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Conversation;

/// <summary>
/// The line API's conversation kinds (CONTRACT.md §3, issue #16): <c>POST /api/messages/location</c>, <c>/contact</c>
/// and <c>/poll</c> — 202 once stored as queued, sent through the same durable queue as text.
/// </summary>
public static class ConversationEndpoints
{
    /// <summary>Registers the link preview builder and the send queue's preview step (link_preview on text sends).</summary>
    public static IServiceCollection AddConversation(this IServiceCollection services)
    {
        services.AddSingleton<LinkPreviews.LinkPreviewBuilder>();
        services.AddSingleton<LinkPreviews.LinkPreviewPreparer>();
        return services;
    }

    /// <summary>Maps the location, contact and poll sends.</summary>
    public static IEndpointRouteBuilder MapConversationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapLineMessages();
        MapSend<LocationBody>(group, "/location", ConversationKind.Location, "Send a location",
            "Queues a location pin: `latitude` (-90 to 90) and `longitude` (-180 to 180) as JSON numbers, with an optional place `name` and `address`.");
        MapSend<ContactBody>(group, "/contact", ConversationKind.Contact, "Send a contact card",
            "Queues a contact card: `name` and `phone` (the service writes the vCard, with the number as the WhatsApp id so the card offers a chat), or a whole `vcard` (checked: one card with VERSION and FN).");
        MapSend<PollBody>(group, "/poll", ConversationKind.Poll, "Send a poll",
            "Queues a poll: a `question` and 2 to 12 distinct `options`; `multiple: true` lets a voter pick several. The poll's message secret is kept with the message, so votes arrive as `messages.received` with `messageType: \"poll_vote\"` and the selected option names in `selectedOptions`.");
        return app;
    }

    private static void MapSend<TBody>(RouteGroupBuilder group, string pattern, ConversationKind kind, string summary, string description)
        where TBody : notnull =>
        group.MapSend<TBody>(
            pattern, SendAsync, new ConversationRequestFilter(kind, BodyContract.Of<TBody>()), "send" + kind, summary, description,
            StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden);

    private static async Task<IResult> SendAsync(HttpContext context, LineHost host)
    {
        var request = ConversationRequestFilter.RequestOf(context);
        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        try
        {
            var record = await actor.SendMessageAsync(request.To, request.Content, request.State, context.RequestAborted);
            return Results.Json(new QueuedAnswer(true, record.MsgId), statusCode: StatusCodes.Status202Accepted);
        }
        catch (LineException ex) when (ex.Kind is LineErrorKind.WrongState or LineErrorKind.ShutDown)
        {
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, ex.Message);
        }
    }
}
