using Microsoft.AspNetCore.Http.HttpResults;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Hosting;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;

namespace WaEngine.Sandbox.Control;

/// <summary>The sandbox control API (CONTRACT.md §5): network info and virtual phones.</summary>
public static class ControlEndpoints
{
    /// <summary>Maps <c>GET info</c>, <c>POST accounts</c>, <c>GET accounts</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxControlEndpoints(this RouteGroupBuilder group, string prefix)
    {
        group.MapGet("/info", (HttpContext context, SandboxRuntime sandbox) => Info(context, sandbox, prefix));
        group.MapPost("/accounts", CreateAccountAsync);
        group.MapGet("/accounts", ListAccountsAsync);
        group.MapPost("/accounts/{phone}/scan", ScanAsync);
        group.MapPost("/accounts/{phone}/link-code", LinkCodeAsync);
        group.MapDelete("/accounts/{phone}/devices/{device:int}", UnlinkAsync);
        group.MapPost("/accounts/{phone}/reinstall", ReinstallAsync);
        group.MapPost("/accounts/{phone}/hosted", AddHostedAsync);
        group.MapGet("/accounts/{phone}/hosted", HostedAsync);
        group.MapPost("/accounts/{phone}/messages", PhoneSendAsync);
        group.MapGet("/accounts/{phone}/messages", PhoneReceivedAsync);
        group.MapPost("/accounts/{phone}/receipts", PhoneReceiptsAsync);
        group.MapPost("/faults", FaultAsync);
        Media.MediaControlEndpoints.MapSandboxMediaEndpoints(group);
        group.MapSandboxCallEndpoints();
        group.MapSandboxPrivacyEndpoints();
        group.MapSandboxLidMigrationEndpoints();
        group.MapSandboxAbPropEndpoints();
        group.MapSandboxBenchEndpoints();
        group.MapSandboxGroupEndpoints();
        group.MapGet("/rules", (SandboxRuntime sandbox) => TypedResults.Ok(new RulesView(sandbox.Rules.Strict, sandbox.Rules.Breaches(), sandbox.Rules.Nacks.Counts())));
        group.Map("/ws/chat", AcceptWebSocketAsync);
        group.MapLoginControlEndpoints();
        return group;
    }

    private static Ok<InfoResponse> Info(HttpContext context, SandboxRuntime sandbox, string prefix)
    {
        var request = context.Request;
        var scheme = request.IsHttps ? "wss" : "ws";
        var basePath = prefix.TrimEnd('/');
        return TypedResults.Ok(new InfoResponse(
            $"{scheme}://{request.Host}{basePath}/ws/chat",
            Convert.ToBase64String(sandbox.RootKey.PublicKey),
            sandbox.Media.BaseUrl,
            sandbox.MediaAuthority.CaPem));
    }

    private static async Task<IResult> CreateAccountAsync(HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateAccountRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        try
        {
            var account = await sandbox.Accounts.CreateAsync(body.Phone, body.PushName, body.Addressing, cancellationToken);
            await sandbox.Phones.EnsureKeysAsync(account, cancellationToken);
            return TypedResults.Created($"accounts/{account.Phone}", new AccountCreated(account.Phone, account.Jid, account.LidJid));
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> ScanAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ScanRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (string.IsNullOrWhiteSpace(body.Qr))
        {
            return JsonBody.Error("qr is required: the string the companion shows as its QR code.", param: "qr");
        }

        try
        {
            var device = await sandbox.Network.ScanAsync(phone, body.Qr, cancellationToken);
            return TypedResults.Ok(new { paired = true, device_jid = device });
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> LinkCodeAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<LinkCodeRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (string.IsNullOrWhiteSpace(body.Code))
        {
            return JsonBody.Error("code is required: the 8-character pairing code the companion shows.", param: "code");
        }

        try
        {
            var device = await sandbox.Network.EnterLinkCodeAsync(phone, body.Code, cancellationToken);
            return TypedResults.Ok(new { paired = true, device_jid = device });
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> PhoneSendAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<PhoneSendRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        try
        {
            var from = await sandbox.Accounts.FindAsync(phone, cancellationToken)
                ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
            var toGroup = body.To?.EndsWith("@g.us", StringComparison.Ordinal) == true;
            var to = toGroup ? null : await FindRecipientAsync(sandbox, body.To, cancellationToken);
            var message = body.Vote is not null
                ? body.Text is null && body.Message is null && body.Media is null && body.MessageBase64 is null
                    ? await PhoneVotes.BuildAsync(sandbox, from, body.Vote, cancellationToken)
                    : throw new SandboxInputException("Give exactly one of text, message, media or vote.", 400, "vote")
                : body.MessageBase64 is not null
                ? body.Text is null && body.Message is null && body.Media is null
                    ? PhoneMessages.FromBase64(body.MessageBase64)
                    : throw new SandboxInputException("Give exactly one of text, message, message_base64 or media.", 400, "message_base64")
                : body.Media is null
                ? PhoneMessages.Build(body.Text, body.Message)
                : body.Text is null && body.Message is null
                    ? await Media.PhoneMedia.BuildAsync(sandbox.Media, body.Media, DateTimeOffset.UtcNow, cancellationToken)
                    : throw new SandboxInputException("Give exactly one of text, message or media.", 400, "media");
            var id = toGroup
                ? await sandbox.Phones.SendToGroupAsync(from, body.To!, message, cancellationToken)
                : await sandbox.Phones.SendAsync(from, to!, message, cancellationToken, PhoneMessages.UnavailableType(body.Unavailable));
            return body.Media is null
                ? TypedResults.Created($"messages/{id}", new { msg_id = id })
                : TypedResults.Created($"messages/{id}", new { msg_id = id, message = Media.PhoneMedia.ToJson(message) });
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> PhoneReceivedAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        return account is null
            ? JsonBody.Error($"No account with phone {phone}.", 404, "phone")
            : TypedResults.Ok(await Media.MediaControlEndpoints.WithMediaAsync(sandbox.Media.Blobs, await sandbox.Phones.ReceivedAsync(account.Phone, cancellationToken), cancellationToken));
    }

    private static async Task<IResult> PhoneReceiptsAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<PhoneReceiptsRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.Type is not "read")
        {
            return JsonBody.Error($"type must be \"read\" (not \"{body.Type}\").", param: "type");
        }

        if (body.MsgIds is not { Count: > 0 })
        {
            return JsonBody.Error("msg_ids must list at least one message id.", param: "msg_ids");
        }

        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        if (account is null)
        {
            return JsonBody.Error($"No account with phone {phone}.", 404, "phone");
        }

        var read = await sandbox.Phones.MarkReadAsync(account, body.MsgIds, cancellationToken);
        return read == 0
            ? JsonBody.Error("None of msg_ids is a message this phone received.", 404, "msg_ids")
            : TypedResults.Ok(new { read });
    }

    internal static async Task<Accounts.SandboxAccount> FindRecipientAsync(SandboxRuntime sandbox, string? to, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(to))
        {
            throw new SandboxInputException("to is required: a JID, +E.164 or digits.", 400, "to");
        }

        Accounts.SandboxAccount? account;
        if (to.Contains('@', StringComparison.Ordinal))
        {
            if (!WaEngine.Engine.Binary.Jid.TryParse(to, out var jid))
            {
                throw new SandboxInputException($"to '{to}' is not a JID.", 400, "to");
            }

            account = await sandbox.Accounts.FindByJidAsync(jid with { Device = null }, cancellationToken);
        }
        else
        {
            account = await sandbox.Accounts.FindAsync(PhoneNumber.Normalize(to, "to"), cancellationToken);
        }

        return account ?? throw new SandboxInputException($"No account {to} in the sandbox.", 404, "to");
    }

    private static async Task<IResult> AddHostedAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        try
        {
            var account = await sandbox.Accounts.FindAsync(phone, cancellationToken)
                ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
            var hosted = (await sandbox.Phones.AddHostedDeviceAsync(account, cancellationToken)).Devices.Single(d => d.IsHosted);
            return TypedResults.Created($"accounts/{phone}/hosted", HostedView(account, hosted, []));
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> HostedAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        return account?.Devices.FirstOrDefault(d => d.IsHosted) is { } hosted
            ? TypedResults.Ok(HostedView(account, hosted, sandbox.Network.HostedDevices.ReceivedBy(phone)))
            : JsonBody.Error($"Account {phone} has no hosted device.", 404, "phone");
    }

    private static HostedDeviceView HostedView(SandboxAccount account, SandboxDevice hosted, IReadOnlyList<string> received) =>
        new(hosted.Jid, Engine.Binary.DeviceJid.Format(account.Lid, hosted.DeviceId, Engine.Binary.JidServers.HostedLid), received);

    private static async Task<IResult> ReinstallAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        try
        {
            var account = await sandbox.Accounts.FindAsync(phone, cancellationToken)
                ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
            var changed = await sandbox.Phones.ReinstallAsync(account, cancellationToken);
            return TypedResults.Ok(new AccountCreated(changed.Phone, changed.Jid, changed.LidJid));
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> UnlinkAsync(string phone, int device, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        try
        {
            return await sandbox.Network.RemoveDeviceAsync(phone, device, cancellationToken)
                ? TypedResults.NoContent()
                : JsonBody.Error($"Account {phone} has no device {device}.", 404, "device");
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> FaultAsync(HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<FaultRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        var kind = body.Kind switch
        {
            "drop" => FaultKind.Drop,
            "stream_error" => FaultKind.StreamError,
            "delay" => FaultKind.Delay,
            "drop_stanzas" => FaultKind.DropStanzas,
            "error_ack" => FaultKind.ErrorAck,
            "corrupt_next" => FaultKind.CorruptNext,
            "mute" => FaultKind.Mute,
            "lose_message" => FaultKind.LoseMessage,
            "malformed_node" => FaultKind.MalformedNode,
            "oversized_frame" => FaultKind.OversizedFrame,
            "unknown_stanza" => FaultKind.UnknownStanza,
            "fail_key_fetch" => FaultKind.FailKeyFetch,
            _ => (FaultKind?)null,
        };
        if (kind is null)
        {
            return JsonBody.Error($"kind must be one of drop, stream_error, delay, drop_stanzas, error_ack, corrupt_next, mute, lose_message, malformed_node, oversized_frame, unknown_stanza, fail_key_fetch (not '{body.Kind}').", param: "kind");
        }

        if (body.Ms is < 0 or > 600_000 || body.Count is < 0 or > 100_000)
        {
            return JsonBody.Error("ms must be 0 to 600000 and count 0 to 100000.", param: body.Ms is < 0 or > 600_000 ? "ms" : "count");
        }

        if (kind == FaultKind.ErrorAck && body.CodeText is { } code && !int.TryParse(code, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return JsonBody.Error($"code '{code}' must be a number for error_ack (e.g. 463).", param: "code");
        }

        try
        {
            await sandbox.Network.InjectFaultAsync(body.DeviceJid ?? "", kind.Value, body.CodeText, body.Ms ?? 0, body.Count ?? 1, cancellationToken);
            return TypedResults.Ok(new { injected = body.Kind, device_jid = body.DeviceJid });
        }
        catch (SandboxInputException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task AcceptWebSocketAsync(HttpContext context, SandboxRuntime sandbox)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "This is the WhatsApp websocket endpoint: connect with a websocket client.", code = "bad_request" });
            return;
        }

        if (UpgradeBreach(context.Request) is { } breach && sandbox.Rules.Breach(ServerRule.R10, context.Connection.RemoteIpAddress?.ToString() ?? "client", breach))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        await sandbox.Network.RunConnectionAsync(WaEngine.Engine.Transport.WebSocketFrameTransport.ForServer(socket), context.RequestAborted);
    }

    /// <summary>
    /// What is wrong with a websocket upgrade as WhatsApp's edge sees it (SERVER-RULES R10): WhatsApp Web's origin must be
    /// there, and nothing a browser would not send (tracing headers added by server-side HTTP stacks); null when fine.
    /// </summary>
    private static string? UpgradeBreach(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin != "https://web.whatsapp.com")
        {
            return origin.Length == 0 ? "the upgrade has no Origin header" : $"the upgrade's Origin is '{origin}', not https://web.whatsapp.com";
        }

        foreach (var header in (string[])["traceparent", "tracestate", "Request-Id", "Correlation-Context", "baggage"])
        {
            if (request.Headers.ContainsKey(header))
            {
                return $"the upgrade carries a {header} header, which no browser sends";
            }
        }

        return null;
    }

    private static async Task<Ok<List<AccountView>>> ListAccountsAsync(SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var accounts = await sandbox.Accounts.ListAsync(cancellationToken);
        var views = new List<AccountView>(accounts.Count);
        foreach (var account in accounts)
        {
            var reachable = new List<string>();
            foreach (var device in account.Devices)
            {
                if (await sandbox.Keys.FindAsync(device.Phone, device.DeviceId, cancellationToken) is not null)
                {
                    reachable.Add(device.Jid);
                }
            }

            var online = account.Devices.Where(d => sandbox.Network.IsOnline(d.Phone, d.DeviceId)).Select(d => d.Jid).ToList();
            views.Add(new AccountView(account.Phone, account.Jid, account.LidJid, account.Devices.Select(d => d.Jid).ToList(), reachable, online));
        }

        return TypedResults.Ok(views);
    }

    private static IResult Problem(SandboxInputException ex) => JsonBody.Error(ex.Message, ex.StatusCode, ex.Param);
}
