using System.Text.Json.Serialization;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Hosting;
using WaEngine.Sandbox.Phone;

namespace WaEngine.Sandbox.Control;

/// <summary>The control API's calls: a virtual phone rings an account (its companions get an offer, then a terminate).</summary>
public static class CallEndpoints
{
    /// <summary>Maps <c>POST accounts/{phone}/calls</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxCallEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/accounts/{phone}/calls", RingAsync);
        return group;
    }

    private static async Task<IResult> RingAsync(string phone, HttpRequest request, SandboxRuntime sandbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CallRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        try
        {
            var from = await sandbox.Accounts.FindAsync(phone, cancellationToken)
                ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
            var to = await ControlEndpoints.FindRecipientAsync(sandbox, body.To, cancellationToken);
            if (to.Phone == from.Phone)
            {
                throw new SandboxInputException("A phone cannot call its own account.", 400, "to");
            }

            var callId = await PhoneCalls.RingAsync(sandbox.Network, from, to, body.Video ?? false, time, cancellationToken);
            return TypedResults.Created($"calls/{callId}", new { call_id = callId });
        }
        catch (SandboxInputException ex)
        {
            return JsonBody.Error(ex.Message, ex.StatusCode, ex.Param);
        }
    }
}

/// <summary><c>POST /sandbox/accounts/{phone}/calls</c> body.</summary>
public sealed record CallRequest(
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("video")] bool? Video);
