using System.ComponentModel;
using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.State;
using WaEngine.Api.Validation;
using WaEngine.Store.Messages;

namespace WaEngine.Api.Endpoints;

/// <summary>Reply routing state per contact (CONTRACT.md §3c) behind <c>X-API-Token</c>.</summary>
public static class StateEndpoints
{
    /// <summary>Maps <c>PUT</c>, <c>GET</c> and <c>DELETE /api/state/{jid}</c>.</summary>
    public static IEndpointRouteBuilder MapStateEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/state")
            .AddEndpointFilter<LineTokenFilter>()
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Reply routing state")
            .WithMetadata(ApiAuth.Line)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        group.MapPut("/{jid}", SetAsync)
            .WithName("setReplyState")
            .WithSummary("Route a contact's replies to a handler for a while")
            .WithDescription("While set, every `messages.received` webhook from the contact (or from them as a group participant) carries `data.state: {handler, context, expires_at}`. Setting it again replaces it. `jid` is the contact: a JID, `id@lid`, +E.164 or digits.")
            .Accepts<ReplyStateBody>("application/json")
            .Produces<ReplyStateView>();
        group.MapGet("/{jid}", GetAsync)
            .WithName("getReplyState")
            .WithSummary("A contact's reply routing state")
            .WithDescription("404 when none was set, or once it expired or was deleted.")
            .Produces<ReplyStateView>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        group.MapDelete("/{jid}", DeleteAsync)
            .WithName("deleteReplyState")
            .WithSummary("Stop routing a contact's replies")
            .WithDescription("204 whether or not a state was set (deleting twice is fine).")
            .Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static async Task<IResult> SetAsync(HttpContext context, LineHost host, TimeProvider time, [Description("The contact: a JID, id@lid, +E.164 or digits.")] string jid)
    {
        var (contact, wrong) = Contact(context, jid);
        if (contact is null)
        {
            return wrong!;
        }

        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var state = ReplyStateReader.Read(body, contact, time.GetUtcNow());
        if (state is null)
        {
            return body.ErrorResult(context)!;
        }

        var store = await StoreAsync(context, host);
        await store.SetAsync(state, context.RequestAborted);
        return Results.Ok(ReplyStateView.Of(state));
    }

    private static async Task<IResult> GetAsync(HttpContext context, LineHost host, TimeProvider time, [Description("The contact: a JID, id@lid, +E.164 or digits.")] string jid)
    {
        var (contact, wrong) = Contact(context, jid);
        if (contact is null)
        {
            return wrong!;
        }

        var store = await StoreAsync(context, host);
        return await store.FindAsync(contact, time.GetUtcNow(), context.RequestAborted) is { } state
            ? Results.Ok(ReplyStateView.Of(state))
            : ApiResults.NotFound(context, $"No reply routing state is set for {contact} (never set, expired or deleted).", "jid");
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, LineHost host, TimeProvider time, [Description("The contact: a JID, id@lid, +E.164 or digits.")] string jid)
    {
        var (contact, wrong) = Contact(context, jid);
        if (contact is null)
        {
            return wrong!;
        }

        var store = await StoreAsync(context, host);
        await store.DeleteAsync(contact, time.GetUtcNow(), context.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>The contact's bare JID from the route, or the 400 answer (a group is not a contact).</summary>
    private static (string? Jid, IResult? Problem) Contact(HttpContext context, string jid)
    {
        var (normalized, wrong) = RecipientJid.Normalize(Uri.UnescapeDataString(jid), "jid");
        if (wrong is not null)
        {
            return (null, ApiResults.From(context, wrong));
        }

        if (normalized!.EndsWith("@g.us", StringComparison.Ordinal))
        {
            return (null, ApiResults.BadRequest(context, "A reply routing state is per contact: jid must be a person (a JID, id@lid, +E.164 or digits), not a group.", "jid"));
        }

        return (normalized, null);
    }

    private static async Task<ReplyStateStore> StoreAsync(HttpContext context, LineHost host) =>
        new(await host.DatabaseAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted));
}
