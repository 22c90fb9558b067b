using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Messages.Views;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Endpoints;

/// <summary>The line API's chats, chat history and media (CONTRACT.md §3) behind <c>X-API-Token</c>.</summary>
public static class ChatEndpoints
{
    /// <summary>Default of <c>limit</c> on /api/history.</summary>
    public const int HistoryDefault = 50;

    /// <summary>Largest <c>limit</c> on /api/history.</summary>
    public const int HistoryMax = 500;

    /// <summary>Default of <c>limit</c> on /api/chats.</summary>
    public const int ChatsDefault = 100;

    /// <summary>Largest <c>limit</c> on /api/chats.</summary>
    public const int ChatsMax = 1000;

    /// <summary>Maps <c>/api/chats</c> and <c>/api/history</c> (<c>/api/media/{msg_id}</c> is in <see cref="Media.MediaEndpoints"/>).</summary>
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api")
            .AddEndpointFilter<LineTokenFilter>()
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Chats")
            .WithMetadata(ApiAuth.Line)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        group.MapGet("/chats", ChatsAsync)
            .WithName("listChats")
            .WithSummary("The line's chats, the most recently active first")
            .WithDescription($"`limit` from 1 to {ChatsMax}, default {ChatsDefault}. `last_msg_at` is unix seconds; `unread` counts inbound messages not yet read.")
            .Produces<ChatView[]>();
        group.MapGet("/history", HistoryAsync)
            .WithName("chatHistory")
            .WithSummary("A chat's messages, newest first")
            .WithDescription($"`jid` is the chat: a JID, +E.164 or digits, as `to` of a send. `limit` from 1 to {HistoryMax}, default {HistoryDefault}. A chat without messages is 404.")
            .Produces<HistoryItem[]>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ChatsAsync(HttpContext context, LineHost host, [FromQuery, Description("How many, from 1 to 1000 (default 100).")] string? limit)
    {
        var (count, problem) = QueryLimit.Read(limit, "limit", ChatsDefault, ChatsMax);
        if (problem is not null)
        {
            return ApiResults.From(context, problem);
        }

        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        var chats = await actor.Messages.ListChatsAsync(count, context.RequestAborted);
        return Results.Ok(chats.Select(ChatView.Of).ToList());
    }

    private static async Task<IResult> HistoryAsync(
        HttpContext context,
        LineHost host,
        [FromQuery, Description("The chat: a JID, +E.164 or digits (required).")] string? jid,
        [FromQuery, Description("How many, from 1 to 500 (default 50).")] string? limit)
    {
        var jidText = jid;
        if (string.IsNullOrWhiteSpace(jidText))
        {
            return ApiResults.BadRequest(context, "jid is required: the chat as a JID, +E.164 or digits.", "jid");
        }

        var (normalized, wrong) = RecipientJid.Normalize(jidText, "jid");
        if (wrong is not null && wrong.Code != ErrorCodes.NotSupported)
        {
            return ApiResults.From(context, wrong);
        }

        var (count, problem) = QueryLimit.Read(limit, "limit", HistoryDefault, HistoryMax);
        if (problem is not null)
        {
            return ApiResults.From(context, problem);
        }

        var chat = normalized ?? jidText.Trim();
        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        var messages = await actor.Messages.HistoryAsync(chat, count, context.RequestAborted);
        return messages.Count == 0
            ? ApiResults.NotFound(context, $"There is no chat with {chat} on this line.", "jid")
            : Results.Ok(messages.Select(HistoryItem.Of).ToList());
    }
}
