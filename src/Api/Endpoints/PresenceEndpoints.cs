using WaEngine.Api.Auth;
using WaEngine.Api.Conversations;
using WaEngine.Api.Conversations.Bodies;
using WaEngine.Api.Conversations.Views;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Idempotency;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Validation;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Presence;

namespace WaEngine.Api.Endpoints;

/// <summary>
/// The line API's conversation features (CONTRACT.md §3) behind <c>X-API-Token</c>: read receipts, typing, presence
/// presence subscriptions, contact checks and the line's contacts. Each that talks to WhatsApp needs a
/// connected line (403 <c>not_connected</c> otherwise) and checks its body against its body record first.
/// </summary>
public static class PresenceEndpoints
{
    private static readonly BodyContract ReadContract = BodyContract.Of<ReadBody>();
    private static readonly BodyContract TypingContract = BodyContract.Of<TypingBody>();
    private static readonly BodyContract PresenceContract = BodyContract.Of<PresenceBody>();
    private static readonly BodyContract SubscribeContract = BodyContract.Of<SubscribeBody>();
    private static readonly BodyContract UnsubscribeContract = BodyContract.Of<UnsubscribeBody>();

    /// <summary>Maps <c>POST /api/messages/read</c>, <c>/api/chats/typing</c>, <c>/api/presence</c>, <c>/api/presence/subscribe</c>, <c>/api/contacts/check</c> and <c>GET /api/contacts</c>.</summary>
    public static IEndpointRouteBuilder MapPresenceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api")
            .AddEndpointFilter<LineTokenFilter>()
            .AddEndpointFilter<IdempotencyFilter>()
            .WithMetadata(ApiAuth.Line)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
        group.MapPost("/messages/read", ReadAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Messages")
            .WithName("readMessages")
            .WithSummary("Mark messages of a chat read")
            .WithDescription("Sends read receipts for `msg_ids` (messages received in the chat `to`), or for every unread message of the chat when `msg_ids` is left out: one receipt per sender, to the address each message came from (the contact's LID or phone number). When the account's read receipts are off in WhatsApp's privacy settings the receipts are `read-self` (only your own devices see them; the sender sees no blue ticks). The chat's `unread` drops. 404 when the chat, or one of `msg_ids`, is not a message received in it.")
            .Accepts<ReadBody>("application/json")
            .Produces<ReadAnswer>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/chats/typing", TypingAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Chats")
            .WithName("typing")
            .WithSummary("Show typing or recording in a chat")
            .WithDescription("Sends a chat state to `to`: `composing` (typing), `recording` (a voice note) or `paused`. WhatsApp shows it for a while; send `paused` when done. The first typing to a contact on a connection also subscribes the line to the contact's presence, so their typing and online state reach the `presence.update` webhook.")
            .Accepts<TypingBody>("application/json")
            .Produces<StateAnswer>();
        group.MapPost("/presence", PresenceAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Presence")
            .WithName("presence")
            .WithSummary("Set the line online or offline")
            .WithDescription("`available` shows the line online to its contacts (and WhatsApp then wants active delivery receipts, which the line sends from then on); `unavailable` ends it. A connection starts unavailable; the daily presence pulse leaves an available line available. WhatsApp only sends a line the presence of others while it is available.")
            .Accepts<PresenceBody>("application/json")
            .Produces<StateAnswer>();
        group.MapPost("/presence/subscribe", SubscribeAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Presence")
            .WithName("subscribePresence")
            .WithSummary("Follow a contact's presence")
            .WithDescription("Subscribes the line to `to`'s presence: their online/offline changes and typing reach the `presence.update` webhook (when the webhook's events include it). Kept while the service runs and renewed after every reconnect.")
            .Accepts<SubscribeBody>("application/json")
            .Produces<StateAnswer>();
        group.MapPost("/presence/unsubscribe", UnsubscribeAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Presence")
            .WithName("unsubscribePresence")
            .WithSummary("Stop following a contact's presence")
            .WithDescription("Forgets the line's subscription to `to`'s presence (its LID and phone number alike): their updates no longer reach the `presence.update` webhook and the subscription is not renewed after a reconnect. WhatsApp has no unsubscribe stanza (the server drops subscriptions with the connection), so nothing is sent. Typing to the contact subscribes again. Answers the same whether or not the line followed the contact.")
            .Accepts<UnsubscribeBody>("application/json")
            .Produces<StateAnswer>();
        group.MapPost("/contacts/check", CheckAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Contacts")
            .WithName("checkContacts")
            .WithSummary("Which numbers are on WhatsApp")
            .WithDescription("Asks WhatsApp about 1 to 50 numbers in one query: each answer is `{phone, on_whatsapp, jid, lid}` in the order given (repeats once; `phone` as digits). Numbers found become contacts of the line (GET /api/contacts) with their LIDs. Checking many numbers is a known reason WhatsApp bans accounts: each line has a budget of numbers (`Api__ContactChecks__Burst` at once, refilled at `Api__ContactChecks__NumbersPerHour`); over it, 429 with `Retry-After`.")
            .Accepts<ContactCheckBody>("application/json")
            .Produces<ContactCheckView[]>()
            .ProducesErrors(StatusCodes.Status502BadGateway);
        group.MapGet("/contacts", ContactsAsync)
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Contacts")
            .WithName("listContacts")
            .WithSummary("The contacts the line has seen")
            .WithDescription($"From what the line has seen: senders' push names, LID mappings and numbers a check found, by JID. `limit` from 1 to {ContactsMax}, default {ContactsMax}. Works whatever the line's status.")
            .Produces<ContactView[]>();
        return app;
    }

    /// <summary>Largest (and default) <c>limit</c> on GET /api/contacts.</summary>
    public const int ContactsMax = 1000;

    private static async Task<IResult> CheckAsync(HttpContext context, LineHost host, ContactCheckLimiter limiter)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var (phones, wrong) = ConversationReader.Phones(body);
        if (wrong is not null)
        {
            return ApiResults.From(context, wrong);
        }

        var line = LineTokenFilter.LineOf(context).Id;
        var actor = await host.ActorAsync(line, context.RequestAborted);
        if (actor.Status != LineStatus.Connected)
        {
            return NotConnected(context, actor);
        }

        if (limiter.TryTake(line, phones!.Count) is { } wait)
        {
            context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiResults.Error(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"This line checked too many numbers lately (checking many numbers is a known reason WhatsApp bans accounts); try these {phones.Count} again in {wait} s.");
        }

        try
        {
            var checks = await actor.CheckContactsAsync(phones, context.RequestAborted);
            return Results.Ok(checks.Select(ContactCheckView.Of).ToList());
        }
        catch (LineException ex) when (ex.Kind is LineErrorKind.WrongState or LineErrorKind.ShutDown or LineErrorKind.Disconnected)
        {
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, ex.Message);
        }
        catch (LineException ex) when (ex.Kind is LineErrorKind.Timeout or LineErrorKind.ServerError)
        {
            return ApiResults.Error(context, StatusCodes.Status502BadGateway, ErrorCodes.WhatsAppError, $"WhatsApp did not answer the contact check: {ex.Message}");
        }
        catch (StanzaException ex)
        {
            return ApiResults.Error(context, StatusCodes.Status502BadGateway, ErrorCodes.WhatsAppError, $"WhatsApp's answer to the contact check could not be read: {ex.Message}");
        }
    }

    private static async Task<IResult> ContactsAsync(HttpContext context, LineHost host, [Microsoft.AspNetCore.Mvc.FromQuery, System.ComponentModel.Description("How many, from 1 to 1000 (default 1000).")] string? limit)
    {
        var (count, problem) = QueryLimit.Read(limit, "limit", ContactsMax, ContactsMax);
        if (problem is not null)
        {
            return ApiResults.From(context, problem);
        }

        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        var contacts = await actor.Messages.ListContactsAsync(count, context.RequestAborted);
        return Results.Ok(contacts.Select(ContactView.Of).ToList());
    }

    private static async Task<IResult> TypingAsync(HttpContext context, LineHost host)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var values = ConversationReader.Strings(body, TypingContract);
        if (body.Problem is not null)
        {
            return body.ErrorResult(context)!;
        }

        var (jid, wrongTo) = ConversationReader.Chat(values["to"]);
        if (wrongTo is not null)
        {
            return ApiResults.From(context, wrongTo);
        }

        ChatState? state = values["state"] switch
        {
            "composing" => ChatState.Composing,
            "recording" => ChatState.Recording,
            "paused" => ChatState.Paused,
            _ => null,
        };
        if (state is not { } chatState)
        {
            return ApiResults.BadRequest(context, $"state '{values["state"]}' is not a chat state: use composing, recording or paused.", "state");
        }

        return await OnLineAsync(context, host, actor => actor.SendChatStateAsync(jid!, chatState, context.RequestAborted), new StateAnswer(jid, values["state"]!));
    }

    private static async Task<IResult> PresenceAsync(HttpContext context, LineHost host)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var values = ConversationReader.Strings(body, PresenceContract);
        if (body.Problem is not null)
        {
            return body.ErrorResult(context)!;
        }

        if (values["state"] is not ("available" or "unavailable"))
        {
            return ApiResults.BadRequest(context, $"state '{values["state"]}' is not a presence: use available or unavailable.", "state");
        }

        var available = values["state"] == "available";
        return await OnLineAsync(context, host, actor => actor.SendPresenceAsync(available, context.RequestAborted), new StateAnswer(null, values["state"]!));
    }

    private static async Task<IResult> SubscribeAsync(HttpContext context, LineHost host)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var values = ConversationReader.Strings(body, SubscribeContract);
        if (body.Problem is not null)
        {
            return body.ErrorResult(context)!;
        }

        var (jid, wrongTo) = ConversationReader.Chat(values["to"]);
        if (wrongTo is not null)
        {
            return ApiResults.From(context, wrongTo);
        }

        return await OnLineAsync(context, host, actor => actor.SubscribePresenceAsync(jid!, context.RequestAborted), new StateAnswer(jid, "subscribed"));
    }

    private static async Task<IResult> UnsubscribeAsync(HttpContext context, LineHost host)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var values = ConversationReader.Strings(body, UnsubscribeContract);
        if (body.Problem is not null)
        {
            return body.ErrorResult(context)!;
        }

        var (jid, wrongTo) = ConversationReader.Chat(values["to"]);
        if (wrongTo is not null)
        {
            return ApiResults.From(context, wrongTo);
        }

        return await OnLineAsync(context, host, actor => actor.UnsubscribePresenceAsync(jid!, context.RequestAborted), new StateAnswer(jid, "unsubscribed"));
    }

    /// <summary>Runs <paramref name="send"/> on a connected line: 200 <paramref name="answer"/>, or 403 <c>not_connected</c>.</summary>
    private static async Task<IResult> OnLineAsync(HttpContext context, LineHost host, Func<LineActor, Task> send, StateAnswer answer)
    {
        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        if (actor.Status != LineStatus.Connected)
        {
            return NotConnected(context, actor);
        }

        try
        {
            await send(actor);
            return Results.Ok(answer);
        }
        catch (LineException ex) when (ex.Kind is LineErrorKind.WrongState or LineErrorKind.ShutDown or LineErrorKind.Disconnected)
        {
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, ex.Message);
        }
    }

    private static async Task<IResult> ReadAsync(HttpContext context, LineHost host)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var values = ConversationReader.Strings(body, ReadContract);
        if (body.Problem is not null)
        {
            return body.ErrorResult(context)!;
        }

        var (jid, wrongTo) = ConversationReader.Chat(values["to"]);
        if (wrongTo is not null)
        {
            return ApiResults.From(context, wrongTo);
        }

        var (ids, wrongIds) = ConversationReader.MessageIds(body);
        if (wrongIds is not null)
        {
            return ApiResults.From(context, wrongIds);
        }

        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        if (actor.Status != LineStatus.Connected)
        {
            return NotConnected(context, actor);
        }

        var chat = await ChatOfAsync(actor, jid!, context.RequestAborted);
        if (chat is null)
        {
            return ApiResults.NotFound(context, $"There is no chat with {jid} on this line.", "to");
        }

        if (ids is not null)
        {
            var found = (await actor.Messages.FindReadTargetsAsync(chat, ids, context.RequestAborted)).Select(t => t.MsgId).ToHashSet(StringComparer.Ordinal);
            var unknown = ids.Where(id => !found.Contains(id)).ToList();
            if (unknown.Count > 0)
            {
                return ApiResults.NotFound(context, $"msg_ids {string.Join(", ", unknown.Take(10))}{(unknown.Count > 10 ? $" (and {unknown.Count - 10} more)" : "")} {(unknown.Count == 1 ? "is not a message" : "are not messages")} received in the chat with {chat} (reactions, edits and your own messages are not read).", "msg_ids");
            }
        }

        try
        {
            return Results.Ok(new ReadAnswer(await actor.MarkReadAsync(chat, ids, context.RequestAborted)));
        }
        catch (LineException ex) when (ex.Kind is LineErrorKind.WrongState or LineErrorKind.ShutDown or LineErrorKind.Disconnected)
        {
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, ex.Message);
        }
    }

    /// <summary>
    /// The stored chat for a contact named either way: chats are kept under the phone number once it is known, so a LID
    /// is looked up through its mapping (and a phone number whose chat is still under its LID through the reverse one).
    /// </summary>
    private static async Task<string?> ChatOfAsync(LineActor actor, string jid, CancellationToken cancellationToken)
    {
        var candidates = new List<string> { jid };
        var other = jid.EndsWith("@" + JidServers.Lid, StringComparison.Ordinal)
            ? await actor.Messages.FindPnForLidAsync(jid, cancellationToken)
            : await actor.Messages.FindLidForPnAsync(jid, cancellationToken);
        if (other is not null)
        {
            candidates.Insert(jid.EndsWith("@" + JidServers.Lid, StringComparison.Ordinal) ? 0 : 1, other);
        }

        foreach (var candidate in candidates)
        {
            if ((await actor.Messages.HistoryAsync(candidate, 1, cancellationToken)).Count > 0)
            {
                return candidate;
            }
        }

        return null;
    }

    private static IResult NotConnected(HttpContext context, LineActor actor) =>
        ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, $"The line is {actor.Status.ToName()}, not connected: it cannot talk to WhatsApp now.");
}
