using QRCoder;
using WaEngine.Api.Auth;
using WaEngine.Api.Errors;
using WaEngine.Api.Sessions;
using WaEngine.Api.Webhooks;
using WaEngine.Engine;
using WaEngine.Engine.Session;
using WaEngine.Store.Registry;

namespace WaEngine.Api.Endpoints;

/// <summary>The admin API over lines (CONTRACT.md §2), behind the admin key.</summary>
public static class SessionEndpoints
{
    /// <summary>Maps <c>/api/sessions…</c>.</summary>
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions").AddEndpointFilter<AdminKeyFilter>().WithTags("Sessions (admin)");
        group.MapPost("", CreateAsync);
        group.MapGet("", ListAsync);
        group.MapGet("/{id:long}", GetAsync);
        group.MapPost("/{id:long}/start", (HttpContext c, LineHost h, long id) => CommandAsync(c, h, id, (a, ct) => a.StartAsync(ct)));
        group.MapPost("/{id:long}/stop", (HttpContext c, LineHost h, long id) => CommandAsync(c, h, id, (a, ct) => a.StopAsync(ct)));
        group.MapPost("/{id:long}/restart", (HttpContext c, LineHost h, long id) => CommandAsync(c, h, id, (a, ct) => a.RestartAsync(ct)));
        group.MapPost("/{id:long}/logout", (HttpContext c, LineHost h, long id) => CommandAsync(c, h, id, (a, ct) => a.LogoutAsync(ct)));
        group.MapDelete("/{id:long}", DeleteAsync);
        group.MapGet("/{id:long}/qr", QrAsync);
        group.MapGet("/{id:long}/qr.png", QrPngAsync);
        group.MapPost("/{id:long}/pairing-code", PairingCodeAsync);
        group.MapPost("/{id:long}/token", RotateTokenAsync);
        group.MapPut("/{id:long}/webhook", WebhookAsync);
        group.MapWebhookDeliveryEndpoints();
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, LineHost host, WebhookDispatcher webhooks)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var name = body.String("name", required: true, maxLength: 100);
        var (url, secret, events) = ReadWebhook(body, urlRequired: false);
        var start = body.Boolean("start") ?? true;
        if (name is { Length: 0 })
        {
            body.Fail("name", "name must not be empty.");
        }

        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        var (line, token) = await host.Registry.CreateAsync(name!.Trim(), url, secret, events, context.RequestAborted);
        var actor = await host.ActorAsync(line.Id, context.RequestAborted);
        webhooks.Wake(line.Id);
        if (start)
        {
            await actor.StartAsync(context.RequestAborted);
        }

        return Results.Json(new { id = line.Id, name = line.Name, status = actor.Status.ToName(), token }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext context, LineHost host)
    {
        var views = new List<SessionView>();
        foreach (var line in await host.Registry.ListAsync(context.RequestAborted))
        {
            views.Add(await host.ViewAsync(line, context.RequestAborted));
        }

        return Results.Ok(views);
    }

    private static async Task<IResult> GetAsync(HttpContext context, LineHost host, long id) =>
        await FindAsync(context, host, id) is { } line ? Results.Ok(await host.ViewAsync(line, context.RequestAborted)) : Missing(context, id);

    private static async Task<IResult> CommandAsync(HttpContext context, LineHost host, long id, Func<SessionActor, CancellationToken, Task> command)
    {
        if (await FindAsync(context, host, id) is not { } line)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(id, context.RequestAborted);
        try
        {
            await command(actor, context.RequestAborted);
        }
        catch (WaEngineException ex) when (ex is InvalidTransitionException or SessionException)
        {
            return ApiResults.Conflict(context, ex.Message);
        }

        return Results.Ok(await host.ViewAsync(line, context.RequestAborted));
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, LineHost host, long id)
    {
        if (await FindAsync(context, host, id) is null)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(id, context.RequestAborted);
        if (actor.Status is SessionStatus.Connected or SessionStatus.Connecting or SessionStatus.Reconnecting)
        {
            try
            {
                await actor.LogoutAsync(context.RequestAborted);
            }
            catch (WaEngineException ex) when (ex is InvalidTransitionException or SessionException)
            {
                // Deleting goes on: the line's credentials are removed with its data either way.
                context.Response.Headers["X-WaEngine-Warning"] = "logout-failed: " + ex.Message.ReplaceLineEndings(" ");
            }
        }

        await host.DeleteAsync(id, context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> QrAsync(HttpContext context, LineHost host, long id)
    {
        if (await FindAsync(context, host, id) is null)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(id, context.RequestAborted);
        return host.CurrentQr(id, actor.Status) is { } qr
            ? Results.Ok(new { qr = qr.Qr, expires_at = qr.ExpiresAt })
            : ApiResults.Conflict(context, $"Line {id} shows no QR: its status is {actor.Status.ToName()} (a QR exists only in scan_qr).");
    }

    private static async Task<IResult> QrPngAsync(HttpContext context, LineHost host, long id)
    {
        if (await FindAsync(context, host, id) is null)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(id, context.RequestAborted);
        if (host.CurrentQr(id, actor.Status) is not { } qr)
        {
            return ApiResults.Conflict(context, $"Line {id} shows no QR: its status is {actor.Status.ToName()}.");
        }

        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(qr.Qr, QRCodeGenerator.ECCLevel.L);
        return Results.File(new PngByteQRCode(data).GetGraphic(8), "image/png");
    }

    private static async Task<IResult> PairingCodeAsync(HttpContext context, LineHost host, long id)
    {
        if (await FindAsync(context, host, id) is null)
        {
            return Missing(context, id);
        }

        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var phone = body.String("phone", required: true, maxLength: 32);
        var digits = phone is null ? "" : new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (phone is not null && (digits.Length is < 7 or > 15 || phone.Any(c => !char.IsAsciiDigit(c) && c is not ('+' or ' ' or '-' or '(' or ')'))))
        {
            body.Fail("phone", $"phone '{phone}' is not a phone number: use digits or +E.164 (7 to 15 digits).");
        }

        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        var actor = await host.ActorAsync(id, context.RequestAborted);
        try
        {
            return Results.Ok(new { code = await actor.RequestPairingCodeAsync(digits, context.RequestAborted) });
        }
        catch (WaEngineException ex) when (ex is InvalidTransitionException or SessionException)
        {
            return ApiResults.Conflict(context, ex.Message);
        }
    }

    private static async Task<IResult> RotateTokenAsync(HttpContext context, LineHost host, long id) =>
        await host.Registry.RotateTokenAsync(id, context.RequestAborted) is { } token ? Results.Ok(new { token }) : Missing(context, id);

    private static async Task<IResult> WebhookAsync(HttpContext context, LineHost host, WebhookDispatcher webhooks, long id)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var (url, secret, events) = ReadWebhook(body, urlRequired: true);
        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        if (!await host.Registry.SetWebhookAsync(id, url, secret, events, context.RequestAborted))
        {
            return Missing(context, id);
        }

        webhooks.Wake(id);

        return Results.Ok(new { url, events = events.Split(','), has_secret = secret is not null });
    }

    private static (string? Url, string? Secret, string Events) ReadWebhook(JsonBody body, bool urlRequired)
    {
        var prefix = urlRequired ? "" : "webhook_";
        var url = body.String(prefix + "url", required: urlRequired, maxLength: 2048);
        var secret = body.String(prefix + "secret", maxLength: 256);
        var events = body.Strings(prefix + "events") ?? ["messages.received"];
        if (url is not null && WebhookUrl.Problem(url, prefix + "url") is { } problem)
        {
            body.Fail(prefix + "url", problem);
        }

        if (events.FirstOrDefault(e => !WebhookPayload.Events.Contains(e)) is { } unknown)
        {
            body.Fail(prefix + "events", $"'{unknown}' is not an event; use {string.Join(", ", WebhookPayload.Events)}.");
        }

        return (url, string.IsNullOrEmpty(secret) ? null : secret, string.Join(',', events.Distinct()));
    }

    private static Task<SessionRecord?> FindAsync(HttpContext context, LineHost host, long id) => host.Registry.FindAsync(id, context.RequestAborted);

    private static IResult Missing(HttpContext context, long id) => ApiResults.NotFound(context, $"There is no session {id}.", "id");
}
