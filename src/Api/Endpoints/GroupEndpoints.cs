using System.ComponentModel;
using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Groups;
using WaEngine.Api.Groups.Bodies;
using WaEngine.Api.Groups.Views;
using WaEngine.Api.Idempotency;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Validation;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Api.Endpoints;

/// <summary>The line's groups (CONTRACT.md §3b) behind <c>X-API-Token</c>.</summary>
public static class GroupEndpoints
{
    /// <summary>Maps <c>/api/groups…</c>.</summary>
    public static IEndpointRouteBuilder MapGroupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/groups")
            .AddEndpointFilter<LineTokenFilter>()
            .AddEndpointFilter<IdempotencyFilter>()
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Groups")
            .WithMetadata(ApiAuth.Line)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        group.MapGet("", ListAsync)
            .WithName("listGroups")
            .WithSummary("The groups the line is in")
            .WithDescription("From the line's store, kept current by WhatsApp's group notifications (no query to WhatsApp). `created_at` is unix seconds.")
            .Produces<GroupSummaryView[]>();
        var live = group.MapGroup("").AddEndpointFilter<LineReadyFilter>().ProducesErrors(StatusCodes.Status403Forbidden, StatusCodes.Status504GatewayTimeout);
        live.MapPost("", CreateAsync)
            .WithName("createGroup")
            .WithSummary("Create a group")
            .WithDescription("The line creates the group and is its admin. Each participant's outcome is in the answer: `added`, `not_on_whatsapp`, or `invite_required` (their privacy settings let only contacts add them).")
            .Accepts<CreateGroupBody>("application/json")
            .Produces<CreatedGroupView>(StatusCodes.Status201Created);
        live.MapPost("/join", JoinAsync)
            .WithName("joinGroup")
            .WithSummary("Join a group by invite code or link")
            .Accepts<JoinGroupBody>("application/json")
            .Produces<JoinedView>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        live.MapGet("/{jid}", InfoAsync)
            .WithName("getGroup")
            .WithSummary("One group with its participants")
            .WithDescription("From the line's store; a group the line does not know yet is asked from WhatsApp once. 404 when the line is not in it.")
            .Produces<GroupView>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        live.MapPut("/{jid}", UpdateAsync)
            .WithName("updateGroup")
            .WithSummary("Change a group's subject, description or settings")
            .WithDescription("Give at least one field. 403 `not_admin` when the line may not make the change (not an admin of a locked group).")
            .Accepts<UpdateGroupBody>("application/json")
            .Produces<GroupView>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        live.MapPost("/{jid}/participants", ParticipantsAsync)
            .WithName("changeGroupParticipants")
            .WithSummary("Add, remove, promote or demote participants")
            .WithDescription("Each participant's outcome is in the answer. After a removal the line's next message to the group uses a new sender key, so the removed member cannot read it. 403 `not_admin` when the line is not an admin.")
            .Accepts<ParticipantsBody>("application/json")
            .Produces<ParticipantOutcomeView[]>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        live.MapGet("/{jid}/invite", (HttpContext context, LineHost host, [Description("The group: id@g.us.")] string jid) => InviteAsync(context, host, jid, revoke: false))
            .WithName("getGroupInvite")
            .WithSummary("The group's invite code and link")
            .Produces<InviteView>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        live.MapPost("/{jid}/invite/revoke", (HttpContext context, LineHost host, [Description("The group: id@g.us.")] string jid) => InviteAsync(context, host, jid, revoke: true))
            .WithName("revokeGroupInvite")
            .WithSummary("Replace the invite code (the old one stops working)")
            .Produces<InviteView>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        live.MapPost("/{jid}/leave", LeaveAsync)
            .WithName("leaveGroup")
            .WithSummary("Leave a group")
            .WithDescription("The group's stored messages stay; it leaves /api/groups.")
            .Produces(StatusCodes.Status200OK)
            .ProducesErrors(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext context, LineHost host)
    {
        var groups = await CommandsAsync(context, host);
        var list = await groups.ListAsync(context.RequestAborted);
        return Results.Ok(list.Select(g => GroupSummaryView.Of(g, groups.IsAdmin(g))).ToList());
    }

    private static async Task<IResult> CreateAsync(HttpContext context, LineHost host)
    {
        var (_, body, refused) = await BeginAsync(context, null, withBody: true);
        if (body is null)
        {
            return refused!;
        }

        var subject = body.String("subject", required: true, maxLength: GroupLimits.MaxSubjectLength);
        var participants = GroupRequestReader.Participants(body, min: 0);
        if (body.Problem is null && string.IsNullOrWhiteSpace(subject))
        {
            body.Fail("subject", $"subject must name the group: 1 to {GroupLimits.MaxSubjectLength} characters, not only spaces.");
        }

        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        var groups = await CommandsAsync(context, host);
        return await RunAsync(context, null, async () =>
        {
            var (created, outcomes) = await groups.CreateAsync(subject!.Trim(), participants!, context.RequestAborted);
            var view = new CreatedGroupView(created.Jid, created.Subject, outcomes.Select(o => new CreatedParticipantView(o.Jid, o.Lid, o.Admin, o.Status)).ToList());
            return Results.Json(view, statusCode: StatusCodes.Status201Created);
        });
    }

    private static async Task<IResult> InfoAsync(HttpContext context, LineHost host, [Description("The group: id@g.us.")] string jid)
    {
        var (groupJid, _, refused) = await BeginAsync(context, jid, withBody: false);
        if (refused is not null)
        {
            return refused;
        }

        var groups = await CommandsAsync(context, host);
        return await RunAsync(context, groupJid, async () =>
            await groups.InfoAsync(groupJid!, context.RequestAborted) is { } group ? Results.Ok(GroupView.Of(group)) : NotInGroup(context, groupJid!));
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, LineHost host, [Description("The group: id@g.us.")] string jid)
    {
        var (groupJid, body, refused) = await BeginAsync(context, jid, withBody: true);
        if (body is null)
        {
            return refused!;
        }

        var subject = body.String("subject", maxLength: GroupLimits.MaxSubjectLength);
        var description = body.String("description", maxLength: GroupLimits.MaxDescriptionLength);
        var announce = body.Boolean("announce");
        var locked = body.Boolean("locked");
        if (body.Problem is null && subject is not null && string.IsNullOrWhiteSpace(subject))
        {
            body.Fail("subject", $"subject must name the group: 1 to {GroupLimits.MaxSubjectLength} characters, not only spaces.");
        }

        if (body.Problem is null && subject is null && description is null && announce is null && locked is null)
        {
            body.Fail("subject", "Give at least one of subject, description, announce or locked.");
        }

        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        var groups = await CommandsAsync(context, host);
        return await RunAsync(context, groupJid, async () =>
            await groups.UpdateAsync(groupJid!, subject?.Trim(), description, announce, locked, context.RequestAborted) is { } group
                ? Results.Ok(GroupView.Of(group))
                : NotInGroup(context, groupJid!));
    }

    private static async Task<IResult> ParticipantsAsync(HttpContext context, LineHost host, [Description("The group: id@g.us.")] string jid)
    {
        var (groupJid, body, refused) = await BeginAsync(context, jid, withBody: true);
        if (body is null)
        {
            return refused!;
        }

        var action = body.String("action", required: true, maxLength: 16);
        if (body.Problem is null && action is not ("add" or "remove" or "promote" or "demote"))
        {
            body.Fail("action", $"action '{action}' is not one of add, remove, promote, demote.");
        }

        var participants = GroupRequestReader.Participants(body, min: 1);
        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        var groups = await CommandsAsync(context, host);
        return await RunAsync(context, groupJid, async () =>
        {
            var outcomes = await groups.ChangeParticipantsAsync(groupJid!, action!, participants!, context.RequestAborted);
            return Results.Ok(outcomes.Select(o => new ParticipantOutcomeView(o.Jid, o.Status)).ToList());
        });
    }

    private static async Task<IResult> InviteAsync(HttpContext context, LineHost host, string jid, bool revoke)
    {
        var (groupJid, _, refused) = await BeginAsync(context, jid, withBody: false);
        if (refused is not null)
        {
            return refused;
        }

        var groups = await CommandsAsync(context, host);
        return await RunAsync(context, groupJid, async () =>
        {
            var code = await groups.InviteCodeAsync(groupJid!, revoke, context.RequestAborted);
            return Results.Ok(new InviteView(code, GroupCommands.InviteLinkPrefix + code));
        });
    }

    private static async Task<IResult> JoinAsync(HttpContext context, LineHost host)
    {
        var (_, body, refused) = await BeginAsync(context, null, withBody: true);
        if (body is null)
        {
            return refused!;
        }

        var input = body.String("code", required: true, maxLength: GroupLimits.MaxInviteInputLength);
        var code = input is null ? null : GroupRequestReader.InviteCode(input);
        if (body.Problem is null && code is null)
        {
            body.Fail("code", $"code '{input}' is neither an invite code nor a https://chat.whatsapp.com/<code> link.");
        }

        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        var groups = await CommandsAsync(context, host);
        return await RunAsync(context, null, async () =>
        {
            try
            {
                return Results.Ok(new JoinedView(await groups.JoinAsync(code!, context.RequestAborted)));
            }
            catch (LineException ex) when (ex.ServerCode is 404 or 406 or 410)
            {
                return ApiResults.NotFound(context, $"No group has the invite code '{code}' (it may have been revoked).", "code");
            }
        });
    }

    private static async Task<IResult> LeaveAsync(HttpContext context, LineHost host, [Description("The group: id@g.us.")] string jid)
    {
        var (groupJid, _, refused) = await BeginAsync(context, jid, withBody: false);
        if (refused is not null)
        {
            return refused;
        }

        var groups = await CommandsAsync(context, host);
        return await RunAsync(context, groupJid, async () =>
        {
            await groups.LeaveAsync(groupJid!, context.RequestAborted);
            return Results.Ok(new JoinedView(groupJid!));
        });
    }

    /// <summary>
    /// Every handler's prologue: the group JID of the path (when it has one) and the JSON body (when it takes one), or
    /// the contract's 400 for the first that is wrong. The body is null exactly when a result is returned.
    /// </summary>
    private static async Task<(string? GroupJid, JsonBody? Body, IResult? Refused)> BeginAsync(HttpContext context, string? jid, bool withBody)
    {
        string? groupJid = null;
        if (jid is not null)
        {
            var (parsed, wrong) = GroupRequestReader.GroupJid(jid);
            if (wrong is not null)
            {
                return (null, null, ApiResults.From(context, wrong));
            }

            groupJid = parsed;
        }

        if (!withBody)
        {
            return (groupJid, null, null);
        }

        var (body, error) = await JsonBody.ReadAsync(context);
        return body is null ? (groupJid, null, error!) : (groupJid, body, null);
    }

    private static async Task<GroupCommands> CommandsAsync(HttpContext context, LineHost host)
    {
        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        return actor.Groups ?? throw new InvalidOperationException($"Line {actor.LineId} was made without a group store.");
    }

    // WhatsApp's answers as the contract's errors: 401/403 not an admin, 404 unknown group, 429 rate limit; a line that
    // is not logged in is 403 not_connected, no answer in time 504.
    private static async Task<IResult> RunAsync(HttpContext context, string? groupJid, Func<Task<IResult>> command)
    {
        try
        {
            return await command();
        }
        catch (LineException ex) when (ex.Kind == LineErrorKind.ServerError && ex.ServerCode is 401 or 403)
        {
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotAdmin,
                groupJid is null ? "WhatsApp refused: the line may not do that." : $"The line is not an admin of {groupJid}, or the group's settings let only admins do that.");
        }
        catch (LineException ex) when (ex.Kind == LineErrorKind.ServerError && ex.ServerCode is 404 && groupJid is not null)
        {
            return NotInGroup(context, groupJid);
        }
        catch (LineException ex) when (ex.Kind == LineErrorKind.ServerError && ex.ServerCode is 429)
        {
            context.Response.Headers.RetryAfter = "60";
            return ApiResults.Error(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "WhatsApp rate-limits group queries; try again in a minute.");
        }
        catch (LineException ex) when (ex.Kind == LineErrorKind.ServerError && ex.ServerCode is 409)
        {
            return ApiResults.Conflict(context, "WhatsApp refused: the group is not in a state that allows that (" + ex.Message + ")");
        }
        catch (LineException ex) when (ex.Kind == LineErrorKind.ServerError && ex.ServerCode is 400 or 406)
        {
            return ApiResults.BadRequest(context, "WhatsApp refused the request as malformed: " + ex.Message);
        }
        catch (LineException ex) when (ex.Kind == LineErrorKind.ServerError)
        {
            return ApiResults.Error(context, StatusCodes.Status502BadGateway, ErrorCodes.ServerRefused, ex.Message);
        }
        catch (LineException ex) when (ex.Kind == LineErrorKind.Timeout)
        {
            return ApiResults.Error(context, StatusCodes.Status504GatewayTimeout, ErrorCodes.ServerTimeout, ex.Message);
        }
        catch (LineException ex)
        {
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, ex.Message);
        }
        catch (Engine.Stanzas.StanzaException ex)
        {
            return ApiResults.Error(context, StatusCodes.Status502BadGateway, ErrorCodes.ServerRefused, "WhatsApp's answer could not be read: " + ex.Message);
        }
    }

    private static IResult NotInGroup(HttpContext context, string groupJid) =>
        ApiResults.NotFound(context, $"The line is not in group {groupJid} (or no such group exists).", "jid");
}
