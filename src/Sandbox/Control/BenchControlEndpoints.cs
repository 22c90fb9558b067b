using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Control;

/// <summary>The control API's counters for the benchmark suite and tests: the iqs an account's devices sent (<see cref="Protocol.IqTally"/>).</summary>
public static class BenchControlEndpoints
{
    /// <summary>Maps <c>GET accounts/{phone}/iqs</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxBenchEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/accounts/{phone}/iqs", IqsAsync);
        return group;
    }

    private static async Task<IResult> IqsAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        return account is null
            ? JsonBody.Error($"No account with phone {phone}.", 404, "phone")
            : TypedResults.Ok(sandbox.Network.Iqs.Of(account.Phone));
    }
}
