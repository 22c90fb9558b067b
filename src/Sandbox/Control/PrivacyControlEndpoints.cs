using System.Text.Json.Serialization;
using WaEngine.Sandbox.Conversations;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Control;

/// <summary>The control API's privacy settings of an account: its read receipts (<c>readreceipts</c>, R13).</summary>
public static class PrivacyControlEndpoints
{
    /// <summary>Maps <c>GET</c> and <c>PUT accounts/{phone}/privacy</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxPrivacyEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/accounts/{phone}/privacy", GetAsync);
        group.MapPut("/accounts/{phone}/privacy", SetAsync);
        return group;
    }

    private static async Task<IResult> GetAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        return account is null
            ? JsonBody.Error($"No account with phone {phone}.", 404, "phone")
            : TypedResults.Ok(new PrivacyView(account.Phone, sandbox.Network.ReadReceipts.Of(account.Phone)));
    }

    private static async Task<IResult> SetAsync(string phone, HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<PrivacyRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.ReadReceipts is not (ReadReceiptSettings.All or ReadReceiptSettings.None))
        {
            return JsonBody.Error($"readreceipts must be \"all\" or \"none\" (not {(body.ReadReceipts is null ? "missing" : $"\"{body.ReadReceipts}\"")}).", param: "readreceipts");
        }

        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        if (account is null)
        {
            return JsonBody.Error($"No account with phone {phone}.", 404, "phone");
        }

        sandbox.Network.ReadReceipts.Set(account.Phone, body.ReadReceipts);
        return TypedResults.Ok(new PrivacyView(account.Phone, body.ReadReceipts));
    }
}

/// <summary><c>PUT /sandbox/accounts/{phone}/privacy</c> body.</summary>
public sealed record PrivacyRequest([property: JsonPropertyName("readreceipts")] string? ReadReceipts);

/// <summary>An account's privacy settings as the control API shows them.</summary>
public sealed record PrivacyView(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("readreceipts")] string ReadReceipts);
