using System.Text.Json.Serialization;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Control;

/// <summary>The control API of an account's one-to-one LID migration (SERVER-RULES R1, the account side).</summary>
public static class LidMigrationEndpoints
{
    /// <summary>Maps <c>GET</c> and <c>POST accounts/{phone}/lid-migration</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxLidMigrationEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/accounts/{phone}/lid-migration", GetAsync);
        group.MapPost("/accounts/{phone}/lid-migration", MigrateAsync);
        return group;
    }

    private static async Task<IResult> GetAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        return account is null
            ? JsonBody.Error($"No account with phone {phone}.", 404, "phone")
            : TypedResults.Ok(ViewOf(sandbox, account, null));
    }

    private static async Task<IResult> MigrateAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        if (account is null)
        {
            return JsonBody.Error($"No account with phone {phone}.", 404, "phone");
        }

        try
        {
            var (migrated, mappings) = await sandbox.Phones.MigrateToLidAsync(account, cancellationToken);
            return TypedResults.Ok(ViewOf(sandbox, migrated, mappings));
        }
        catch (SandboxInputException ex)
        {
            return JsonBody.Error(ex.Message, ex.StatusCode, ex.Param);
        }
    }

    private static LidMigrationView ViewOf(SandboxRuntime sandbox, SandboxAccount account, int? mappings)
    {
        var (byPn, byLid) = sandbox.Network.LidMigration.DmsOf(account.Phone);
        return new(account.Phone, account.Jid, account.LidJid, sandbox.Accounts.IsLidMigrated(account) ? "lid" : "pn",
            sandbox.Accounts.LidMigratedAt(account)?.ToUnixTimeSeconds(), mappings, new DmCounts(byPn, byLid));
    }
}

/// <summary>An account's LID migration as the control API shows it.</summary>
public sealed record LidMigrationView(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string Lid,
    [property: JsonPropertyName("addressing")] string Addressing,
    [property: JsonPropertyName("migrated_at")] long? MigratedAt,
    [property: JsonPropertyName("mappings")] int? Mappings,
    [property: JsonPropertyName("dms")] DmCounts Dms);

/// <summary>How many DMs an account's devices wrote in each namespace (and were let through) since the sandbox started.</summary>
public sealed record DmCounts(
    [property: JsonPropertyName("by_pn")] long ByPn,
    [property: JsonPropertyName("by_lid")] long ByLid);
