using WaEngine.Sandbox.Control;

namespace WaEngine.Sandbox.Hosting;

/// <summary>Wires a sandbox into an ASP.NET Core host: standalone (at the root) or inside the service (under <c>/sandbox</c>).</summary>
public static class SandboxHostingExtensions
{
    /// <summary>Registers the sandbox runtime, started with the host.</summary>
    public static IServiceCollection AddSandbox(this IServiceCollection services, SandboxOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SandboxRuntime>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxRuntime>());
        return services;
    }

    /// <summary>Maps the control API (and, once the protocol lands, the websocket) under <paramref name="prefix"/>.</summary>
    public static IEndpointRouteBuilder MapSandbox(this IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix).WithTags("Sandbox");
        group.MapSandboxControlEndpoints(prefix);
        return endpoints;
    }
}
