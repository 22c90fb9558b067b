using Microsoft.AspNetCore.Http.HttpResults;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Hosting;

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
        group.Map("/ws/chat", AcceptWebSocketAsync);
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

    private static async Task AcceptWebSocketAsync(HttpContext context, SandboxRuntime sandbox)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "This is the WhatsApp websocket endpoint: connect with a websocket client.", code = "bad_request" });
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        await sandbox.Network.RunConnectionAsync(WaEngine.Engine.Transport.WebSocketFrameTransport.ForServer(socket), context.RequestAborted);
    }

    private static async Task<Ok<List<AccountView>>> ListAccountsAsync(SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var accounts = await sandbox.Accounts.ListAsync(cancellationToken);
        return TypedResults.Ok(accounts.Select(a => new AccountView(a.Phone, a.Jid, a.LidJid, a.Devices.Select(d => d.Jid).ToList())).ToList());
    }

    private static IResult Problem(SandboxInputException ex) => JsonBody.Error(ex.Message, ex.StatusCode, ex.Param);
}
