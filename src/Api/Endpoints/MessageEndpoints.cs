using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using WaEngine.Api.Auth;
using WaEngine.Api.Conversation.LinkPreviews;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Idempotency;
using WaEngine.Api.Messages;
using WaEngine.Api.Messages.Bodies;
using WaEngine.Api.Messages.Views;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Endpoints;

/// <summary>
/// The line API's messages (CONTRACT.md §3) behind <c>X-API-Token</c>: text, reply, reaction, edit and delete sends
/// (202 once stored as queued), one message by id, and the newest messages. Bodies are checked by
/// <see cref="OutgoingRequestFilter"/>, the line's state by <see cref="LineReadyFilter"/>, targets by <see cref="OutgoingComposer"/>.
/// </summary>
public static class MessageEndpoints
{
    /// <summary>Default of <c>limit</c> on /api/messages/recent.</summary>
    public const int RecentDefault = 20;

    /// <summary>Largest <c>limit</c> on /api/messages/recent.</summary>
    public const int RecentMax = 100;

    /// <summary>Maps <c>/api/messages…</c>.</summary>
    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapLineMessages();
        MapSend<SendTextBody>(group, "/send", OutgoingKind.Text, "Send a text message",
            "Queues a text message for `to`. The answer comes once the message is stored durably with status `queued`; it is sent as soon as the line is connected.");
        MapSend<ReplyBody>(group, "/reply", OutgoingKind.Reply, "Reply to a message",
            "Queues a text that quotes `quoted_msg_id`, a message of the same chat (ours or theirs).");
        MapSend<ReactionBody>(group, "/reaction", OutgoingKind.Reaction, "React to a message",
            "Queues a reaction to `target_msg_id`, a message of the same chat. An empty `emoji` removes our reaction.");
        MapSend<EditBody>(group, "/edit", OutgoingKind.Edit, "Edit one of our messages",
            "Queues an edit of our own text message `target_msg_id` to `text`; WhatsApp allows edits within 15 minutes of sending (409 `edit_window_closed` after).");
        MapSend<DeleteBody>(group, "/delete", OutgoingKind.Delete, "Delete one of our messages for everyone",
            "Queues a delete-for-everyone of our own message `target_msg_id`.");

        group.MapGet("/recent", RecentAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithName("recentMessages")
            .WithSummary("The newest messages across all chats")
            .WithDescription($"Newest first. `limit` from 1 to {RecentMax}, default {RecentDefault}.")
            .Produces<RecentItem[]>()
            .ProducesErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/{msg_id}", GetAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithName("getMessage")
            .WithSummary("One message and its status")
            .WithDescription("Outbound statuses walk queued → sending → sent → server_ack → delivery_ack → read, or end in failed (with `error`); inbound messages are received.")
            .Produces<MessageView>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        return app;
    }

    private static void MapSend<TBody>(RouteGroupBuilder group, string pattern, OutgoingKind kind, string summary, string description)
        where TBody : notnull =>
        group.MapSend<TBody>(
            pattern, SendAsync, new OutgoingRequestFilter(kind, BodyContract.Of<TBody>()), "send" + kind, summary, description,
            StatusCodes.Status400BadRequest,
            StatusCodes.Status403Forbidden,
            StatusCodes.Status404NotFound,
            StatusCodes.Status409Conflict,
            StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> SendAsync(HttpContext context, LineHost host, TimeProvider time)
    {
        var request = OutgoingRequestFilter.RequestOf(context);
        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        var (composed, problem) = await OutgoingComposer.ComposeAsync(request, actor.Messages, LineReadyFilter.OwnJidOf(context), time.GetUtcNow(), context.RequestAborted);
        if (problem is not null)
        {
            return ApiResults.From(context, problem);
        }

        // A link preview is fetched by the send queue (LinkPreviewPreparer): the text is held there, not here.
        var previewUrl = request.LinkPreview ? LinkPreviewBuilder.FirstUrl(request.Text!) : null;
        try
        {
            var record = await actor.SendMessageAsync(composed!.ChatJid, composed.Content, request.State, previewUrl is null ? null : OutboundPrepareKinds.LinkPreview, context.RequestAborted);
            if (request.LinkPreview)
            {
                await LinkPreviewViews.SaveQueuedAsync(context, host, record.MsgId, previewUrl, time.GetUtcNow());
            }

            return Results.Json(new QueuedAnswer(true, record.MsgId), statusCode: StatusCodes.Status202Accepted);
        }
        catch (LineException ex) when (ex.Kind is LineErrorKind.WrongState or LineErrorKind.ShutDown)
        {
            // The line changed state between the check and the queueing.
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, ex.Message);
        }
    }

    private static async Task<IResult> GetAsync(HttpContext context, LineHost host, [Description("The message id, as msg_id of a send answer or a listed message.")] string msg_id)
    {
        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        return await actor.Messages.FindAsync(msg_id, context.RequestAborted) is { } message
            ? Results.Ok(MessageView.Of(message) with { LinkPreview = await LinkPreviewViews.FindAsync(context, host, msg_id) })
            : ApiResults.NotFound(context, $"There is no message '{msg_id}' on this line.", "msg_id");
    }

    private static async Task<IResult> RecentAsync(HttpContext context, LineHost host, [FromQuery, Description("How many, from 1 to 100 (default 20).")] string? limit)
    {
        var (count, problem) = QueryLimit.Read(limit, "limit", RecentDefault, RecentMax);
        if (problem is not null)
        {
            return ApiResults.From(context, problem);
        }

        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        var messages = await actor.Messages.RecentAsync(count, context.RequestAborted);
        return Results.Ok(messages.Select(RecentItem.Of).ToList());
    }
}
