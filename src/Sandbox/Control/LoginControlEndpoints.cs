using WaEngine.Engine.Pairing;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Control;

/// <summary>
/// The control API of the login lifecycle rules: WhatsApp Web's published version (<c>sw.js</c>) and the minimum a login
/// needs (R8), accounts whose logins are refused — temporary bans and others (R9) — and passkey-gated linking (R12).
/// </summary>
public static class LoginControlEndpoints
{
    /// <summary>Maps the endpoints onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapLoginControlEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/sw.js", (SandboxRuntime sandbox) => Results.Text(sandbox.Login.Versions.ServiceWorker(), "text/javascript"));
        group.MapGet("/client-version", (SandboxRuntime sandbox) => TypedResults.Ok(VersionView(sandbox)));
        group.MapPut("/client-version", SetVersionAsync);
        group.MapPost("/accounts/{phone}/login-refusal", RefuseAsync);
        group.MapDelete("/accounts/{phone}/login-refusal", LiftAsync);
        group.MapPut("/accounts/{phone}/passkey", SetPasskeyAsync);
        return group;
    }

    private static ClientVersionView VersionView(SandboxRuntime sandbox) =>
        new(sandbox.Login.Versions.Minimum.ToString(), sandbox.Login.Versions.Published.ToString());

    private static async Task<IResult> SetVersionAsync(HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ClientVersionRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        WaWebVersion? minimum = null;
        WaWebVersion? published = null;
        if (body.Minimum is not null)
        {
            if (!WaWebVersion.TryParse(body.Minimum, out var parsed))
            {
                return JsonBody.Error($"minimum '{body.Minimum}' is not a WhatsApp Web version such as 2.3000.1045649367.", param: "minimum");
            }

            minimum = parsed;
        }

        if (body.Published is not null)
        {
            if (!WaWebVersion.TryParse(body.Published, out var parsed))
            {
                return JsonBody.Error($"published '{body.Published}' is not a WhatsApp Web version such as 2.3000.1045649367.", param: "published");
            }

            published = parsed;
        }

        if (minimum is null && published is null)
        {
            return JsonBody.Error("Give minimum, published or both.");
        }

        sandbox.Login.Versions.Set(minimum, published);
        return TypedResults.Ok(VersionView(sandbox));
    }

    private static async Task<IResult> RefuseAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<LoginRefusalRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.Reason is not { } reason)
        {
            return JsonBody.Error("reason is required: the failure code every login gets (402 temporary ban, 403 locked, 406 banned, 409, 500, 503, …).", param: "reason");
        }

        if (await sandbox.Accounts.FindAsync(phone, cancellationToken) is not { } account)
        {
            return JsonBody.Error($"No account with phone {phone}.", StatusCodes.Status404NotFound, "phone");
        }

        try
        {
            var expire = body.Expire is { } seconds ? TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 366L * 24 * 3600)) : (TimeSpan?)null;
            var refusal = sandbox.Login.Refusals.Refuse(account.Phone, reason, body.Code, expire);
            return TypedResults.Ok(new LoginRefusalView(account.Phone, refusal.Reason, refusal.Code, refusal.Until));
        }
        catch (ArgumentException ex)
        {
            return JsonBody.Error(ex.Message.Split(" (Parameter")[0], param: ex.ParamName is "expire" ? "expire" : "reason");
        }
    }

    private static async Task<IResult> LiftAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        if (await sandbox.Accounts.FindAsync(phone, cancellationToken) is not { } account)
        {
            return JsonBody.Error($"No account with phone {phone}.", StatusCodes.Status404NotFound, "phone");
        }

        return sandbox.Login.Refusals.Lift(account.Phone)
            ? Results.NoContent()
            : JsonBody.Error($"The logins of {account.Phone} are not refused.", StatusCodes.Status404NotFound, "phone");
    }

    private static async Task<IResult> SetPasskeyAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<PasskeyRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.Required is not { } required)
        {
            return JsonBody.Error("required is required: true makes linking to this account passkey-gated, false lifts it.", param: "required");
        }

        if (await sandbox.Accounts.FindAsync(phone, cancellationToken) is not { } account)
        {
            return JsonBody.Error($"No account with phone {phone}.", StatusCodes.Status404NotFound, "phone");
        }

        sandbox.Login.Passkeys.Set(account.Phone, required);
        return TypedResults.Ok(new PasskeyView(account.Phone, required));
    }
}
