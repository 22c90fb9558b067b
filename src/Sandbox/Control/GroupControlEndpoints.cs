using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Groups;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Control;

/// <summary>
/// The control API for groups: a virtual phone creates a group (it is its superadmin), lists its groups, and sets who
/// may add it to groups (WhatsApp's groupadd privacy: <c>none</c> makes an admin's add answer 403 with an invite).
/// </summary>
public static class GroupControlEndpoints
{
    /// <summary>The most participants one create may name (WhatsApp's group size limit).</summary>
    public const int MaxParticipants = 1024;

    /// <summary>Maps <c>POST/GET accounts/{phone}/groups</c> and <c>PUT accounts/{phone}/group-add</c>.</summary>
    public static RouteGroupBuilder MapSandboxGroupEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/accounts/{phone}/groups", CreateAsync);
        group.MapGet("/accounts/{phone}/groups", ListAsync);
        group.MapPut("/accounts/{phone}/group-add", GroupAddAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateGroupRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        try
        {
            var groups = Groups(sandbox);
            var creator = await sandbox.Accounts.FindAsync(phone, cancellationToken)
                ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
            if (string.IsNullOrWhiteSpace(body.Subject) || body.Subject.Length > GroupQueries.MaxSubjectLength)
            {
                throw new SandboxInputException($"subject is required: 1 to {GroupQueries.MaxSubjectLength} characters.", 400, "subject");
            }

            if (body.Participants is null || body.Participants.Count > MaxParticipants)
            {
                throw new SandboxInputException($"participants must list up to {MaxParticipants} phones or JIDs.", 400, "participants");
            }

            var addressing = body.Addressing switch
            {
                null or "" or "lid" => AddressingMode.Lid,
                "pn" => AddressingMode.Pn,
                _ => throw new SandboxInputException($"addressing must be \"lid\" or \"pn\", not \"{body.Addressing}\".", 400, "addressing"),
            };
            var asked = body.Participants.Select(ToJid).ToList();
            var (created, outcomes) = await groups.Membership.CreateAsync(creator, body.Subject, asked, addressing, cancellationToken);
            var view = await ViewAsync(groups, created, cancellationToken);
            var statuses = outcomes.Select(o => new GroupParticipantView(o.Account?.Jid ?? o.Asked, o.Account?.LidJid, null, o.Status switch
            {
                200 => "added",
                403 => "invite_required",
                _ => "not_on_whatsapp",
            })).ToList();
            return TypedResults.Created($"groups/{created.Jid}", view with { Participants = [.. view.Participants.Where(p => p.Admin is not null), .. statuses] });
        }
        catch (SandboxInputException ex)
        {
            return JsonBody.Error(ex.Message, ex.StatusCode, ex.Param);
        }
    }

    private static async Task<IResult> ListAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        if (account is null || sandbox.Network.Groups is not { } groups)
        {
            return JsonBody.Error($"No account with phone {phone}.", 404, "phone");
        }

        var views = new List<GroupView>();
        foreach (var group in await groups.Store.ListForAsync(account.Phone, cancellationToken))
        {
            views.Add(await ViewAsync(groups, group, cancellationToken));
        }

        return TypedResults.Ok(views);
    }

    private static async Task<IResult> GroupAddAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<GroupAddRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.Mode is not ("all" or "none"))
        {
            return JsonBody.Error($"mode must be \"all\" or \"none\" (not \"{body.Mode}\").", param: "mode");
        }

        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        if (account is null || sandbox.Network.Groups is not { } groups)
        {
            return JsonBody.Error($"No account with phone {phone}.", 404, "phone");
        }

        await groups.Store.SetGroupAddAsync(account.Phone, body.Mode, cancellationToken);
        return TypedResults.Ok(new { phone = account.Phone, group_add = body.Mode });
    }

    private static async Task<GroupView> ViewAsync(SandboxGroups groups, SandboxGroup group, CancellationToken cancellationToken)
    {
        var all = await groups.Membership.AccountsAsync(cancellationToken);
        var participants = group.Members.Select(m => all.GetValueOrDefault(m.Phone) is { } a
                ? new GroupParticipantView(a.Jid, a.LidJid, m.IsAdmin ? m.Role : null, null)
                : new GroupParticipantView(m.Phone + "@s.whatsapp.net", null, m.IsAdmin ? m.Role : null, null))
            .ToList();
        return new GroupView(group.Jid, group.Subject, group.Addressing == AddressingMode.Lid ? "lid" : "pn", group.Announce, group.Locked, group.InviteCode, participants);
    }

    private static SandboxGroups Groups(SandboxRuntime sandbox) =>
        sandbox.Network.Groups ?? throw new SandboxInputException("This sandbox keeps no groups.", 404, "phone");

    private static string ToJid(string participant)
    {
        if (participant.Contains('@', StringComparison.Ordinal))
        {
            return Jid.TryParse(participant, out _)
                ? participant
                : throw new SandboxInputException($"participant '{participant}' is not a JID.", 400, "participants");
        }

        return Accounts.PhoneNumber.Normalize(participant, "participants") + "@s.whatsapp.net";
    }
}
