using System.Text.Json.Serialization;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Control;

/// <summary>The control API's AB props: what the server answers clients' <c>abt</c> props iq with.</summary>
public static class AbPropEndpoints
{
    /// <summary>Maps <c>GET</c> and <c>PUT ab-props</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxAbPropEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/ab-props", (SandboxRuntime sandbox) => TypedResults.Ok(new AbPropsView(sandbox.Network.AbProps.All, sandbox.Network.AbProps.Hash)));
        group.MapPut("/ab-props", SetAsync);
        return group;
    }

    private static async Task<IResult> SetAsync(HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<AbPropRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.ConfigCode is not { Length: > 0 and <= 10 } code || !code.All(char.IsAsciiDigit))
        {
            return JsonBody.Error($"config_code must be a prop's number, 1 to 10 digits (not {(body.ConfigCode is null ? "missing" : $"\"{body.ConfigCode}\"")}).", param: "config_code");
        }

        if (body.ConfigValue is not { Length: > 0 and <= 256 } value)
        {
            return JsonBody.Error("config_value must be a string of 1 to 256 characters.", param: "config_value");
        }

        sandbox.Network.AbProps.Set(code.TrimStart('0') is { Length: > 0 } trimmed ? trimmed : "0", value);
        return TypedResults.Ok(new AbPropsView(sandbox.Network.AbProps.All, sandbox.Network.AbProps.Hash));
    }
}

/// <summary><c>PUT /sandbox/ab-props</c> body: one prop to serve from now on.</summary>
public sealed record AbPropRequest(
    [property: JsonPropertyName("config_code")] string? ConfigCode,
    [property: JsonPropertyName("config_value")] string? ConfigValue);

/// <summary>The AB props the server serves, by config code.</summary>
public sealed record AbPropsView(
    [property: JsonPropertyName("props")] IReadOnlyDictionary<string, string> Props,
    [property: JsonPropertyName("hash")] string Hash);
