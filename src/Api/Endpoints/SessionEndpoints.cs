using WaEngine.Engine.Binary;
using Microsoft.Extensions.Options;
using QRCoder;
using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;
using WaEngine.Api.Idempotency;
using WaEngine.Api.Sessions;
using WaEngine.Api.Sessions.Answers;
using WaEngine.Api.Sessions.Bodies;
using WaEngine.Api.Sessions.Events;
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
        var group = app.MapGroup("/api/sessions")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<IdempotencyFilter>()
            .WithTags("Sessions (admin)")
            .WithMetadata(ApiAuth.Admin)
            .ProducesErrors(StatusCodes.Status401Unauthorized);
        group.MapPost("", CreateAsync)
            .WithName("createSession").WithSummary("Create a line")
            .WithDescription("Creates a line and, unless `start` is false, starts it toward scan_qr. The answer holds the line's token; it is shown only here.")
            .Accepts<CreateSessionBody>("application/json")
            .Produces<CreatedSession>(StatusCodes.Status201Created)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListAsync).WithName("listSessions").WithSummary("Every line").Produces<SessionView[]>();
        group.MapGet("/{id:long}", GetAsync).WithName("getSession").WithSummary("One line").Produces<SessionView>().ProducesErrors(StatusCodes.Status404NotFound);
        MapCommand(group, "start", "Start the line (log in, or show QR codes when not paired)", (a, ct) => a.StartAsync(ct));
        MapCommand(group, "stop", "Stop the line (it stays stopped across restarts)", (a, ct) => a.StopAsync(ct));
        MapCommand(group, "restart", "Stop and start the line", (a, ct) => a.RestartAsync(ct));
        MapCommand(group, "logout", "Unlink the line from the phone and wipe its credentials", (a, ct) => a.LogoutAsync(ct));
        group.MapDelete("/{id:long}", DeleteAsync)
            .WithName("deleteSession").WithSummary("Delete a line (logging it out first when paired) and its data")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/qr", QrAsync)
            .WithName("getQr").WithSummary("The QR to scan, while the status is scan_qr")
            .Produces<QrAnswer>().ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        group.MapGet("/{id:long}/qr.png", QrPngAsync)
            .WithName("getQrPng").WithSummary("The same QR as a PNG image")
            .Produces(StatusCodes.Status200OK, contentType: "image/png").ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        group.MapPost("/{id:long}/pairing-code", PairingCodeAsync)
            .WithName("requestPairingCode").WithSummary("Pair by phone code instead of QR")
            .WithDescription("Returns the 8-character code the user types on the phone (Linked devices → Link with phone number instead).")
            .Accepts<PairingCodeBody>("application/json")
            .Produces<PairingCodeAnswer>()
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id:long}/token", RotateTokenAsync)
            .WithName("rotateToken").WithSummary("Issue a new token; the old one stops working at once")
            .Produces<TokenAnswer>().ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        group.MapPut("/{id:long}/webhook", WebhookAsync)
            .WithName("setWebhook").WithSummary("Set the line's webhook")
            .Accepts<WebhookBody>("application/json")
            .Produces<WebhookAnswer>().ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapDelete("/{id:long}/webhook", ClearWebhookAsync)
            .WithName("clearWebhook").WithSummary("Clear the line's webhook")
            .WithDescription("Removes the URL and secret: nothing is delivered, and events that happen from now on are not queued. Deliveries still pending wait until a URL is set again.")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/webhook", GetWebhookAsync)
            .WithName("getWebhook").WithSummary("The line's webhook settings (the secret is never shown)")
            .Produces<WebhookAnswer>().ProducesErrors(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/events", EventsAsync)
            .WithName("sessionEvents").WithSummary("The line's status, reason, QR and pairing-code events as they happen (Server-Sent Events)")
            .WithDescription("""
                A `text/event-stream`. It opens with a `status` event holding the current status (then a `reason` event
                when the session view has a reason, a `qr` event while scan_qr, a `pairing_code` event while pairing_code),
                then sends each change: `event: status` with data `{id, status, from, reason, at}` (`reason`: why it
                changed); `event: reason` with data `{id, status, reason, at}` whenever the session view's `reason`
                changes (to null too); `event: qr` with data `{id, qr, expires_at}` for every new QR; and
                `event: pairing_code` with data `{id, code, phone, at}` when a pairing code is issued. Comment lines keep
                an idle stream open.
                """)
            .Produces(StatusCodes.Status200OK, contentType: LineEventStream.ContentType)
            .ProducesErrors(StatusCodes.Status404NotFound);
        group.MapDescribedWebhookDeliveryEndpoints();
        return app;
    }

    private static void MapCommand(RouteGroupBuilder group, string command, string summary, Func<LineActor, CancellationToken, Task> action) =>
        group.MapPost("/{id:long}/" + command, (HttpContext c, LineHost h, long id) => CommandAsync(c, h, id, action))
            .WithName(command + "Session")
            .WithSummary(summary)
            .Produces<SessionView>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> EventsAsync(HttpContext context, LineHost host, TimeProvider time, IOptions<ApiOptions> options, long id)
    {
        if (await FindAsync(context, host, id) is null)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        try
        {
            await LineEventStream.RunAsync(context.Response, id, actor, host, time, options.Value.EventsKeepAlive, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left.
        }

        return Results.Empty;
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
        await webhooks.WebhookChangedAsync(line.Id, context.RequestAborted);
        if (start)
        {
            await actor.StartAsync(context.RequestAborted);
        }

        return Results.Json(new CreatedSession(line.Id.Value, line.Name, actor.Status.ToName(), token), statusCode: StatusCodes.Status201Created);
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

    private static async Task<IResult> CommandAsync(HttpContext context, LineHost host, long id, Func<LineActor, CancellationToken, Task> command)
    {
        if (await FindAsync(context, host, id) is not { } line)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        try
        {
            await command(actor, context.RequestAborted);
        }
        catch (WaEngineException ex) when (ex is InvalidTransitionException or LineException)
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

        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        if (actor.Status is LineStatus.Connected or LineStatus.Connecting or LineStatus.Reconnecting)
        {
            try
            {
                await actor.LogoutAsync(context.RequestAborted);
            }
            catch (WaEngineException ex) when (ex is InvalidTransitionException or LineException)
            {
                // Deleting goes on: the line's credentials are removed with its data either way.
                context.Response.Headers["X-WaEngine-Warning"] = "logout-failed: " + ex.Message.ReplaceLineEndings(" ");
            }
        }

        await host.DeleteAsync(new LineId(id), context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> QrAsync(HttpContext context, LineHost host, long id)
    {
        if (await FindAsync(context, host, id) is null)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        return host.CurrentQr(new LineId(id), actor.Status) is { } qr
            ? Results.Ok(new QrAnswer(qr.Qr, qr.ExpiresAt))
            : ApiResults.Conflict(context, $"Line {id} shows no QR: its status is {actor.Status.ToName()} (a QR exists only in scan_qr).");
    }

    private static async Task<IResult> QrPngAsync(HttpContext context, LineHost host, long id)
    {
        if (await FindAsync(context, host, id) is null)
        {
            return Missing(context, id);
        }

        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        if (host.CurrentQr(new LineId(id), actor.Status) is not { } qr)
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
        var digits = "";
        if (phone is not null && !PhoneNumber.TryNormalize(phone, out digits, out var problem))
        {
            body.Fail("phone", $"phone: {problem}");
        }

        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        try
        {
            return Results.Ok(new PairingCodeAnswer(await actor.RequestPairingCodeAsync(digits, context.RequestAborted)));
        }
        catch (WaEngineException ex) when (ex is InvalidTransitionException or LineException)
        {
            return ApiResults.Conflict(context, ex.Message);
        }
    }

    private static async Task<IResult> RotateTokenAsync(HttpContext context, LineHost host, long id) =>
        await host.Registry.RotateTokenAsync(new LineId(id), context.RequestAborted) is { } token ? Results.Ok(new TokenAnswer(token)) : Missing(context, id);

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

        if (!await host.Registry.SetWebhookAsync(new LineId(id), url, secret, events, context.RequestAborted))
        {
            return Missing(context, id);
        }

        await webhooks.WebhookChangedAsync(new LineId(id), context.RequestAborted);
        return Results.Ok(new WebhookAnswer(url, events.Split(','), secret is not null));
    }

    private static async Task<IResult> ClearWebhookAsync(HttpContext context, LineHost host, WebhookDispatcher webhooks, long id)
    {
        if (await FindAsync(context, host, id) is not { } line
            || !await host.Registry.SetWebhookAsync(line.Id, null, null, line.WebhookEvents, context.RequestAborted))
        {
            return Missing(context, id);
        }

        await webhooks.WebhookChangedAsync(line.Id, context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> GetWebhookAsync(HttpContext context, LineHost host, long id) =>
        await FindAsync(context, host, id) is { } line
            ? Results.Ok(new WebhookAnswer(line.WebhookUrl, line.WebhookEvents.Split(',', StringSplitOptions.RemoveEmptyEntries), line.WebhookSecret is not null))
            : Missing(context, id);

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

    private static Task<LineRecord?> FindAsync(HttpContext context, LineHost host, long id) => host.Registry.FindAsync(new LineId(id), context.RequestAborted);

    private static IResult Missing(HttpContext context, long id) => ApiResults.NotFound(context, $"There is no session {id}.", "id");
}
