using Microsoft.Extensions.Options;

namespace WaEngine.Api.Hosting;

/// <summary>Binds <see cref="ApiOptions"/> from configuration and checks them before the service listens.</summary>
public static class ApiOptionsSetup
{
    /// <summary>Registers the options, bound from section <see cref="ApiOptions.Section"/>, with <see cref="ApiOptionsValidator"/>.</summary>
    public static IServiceCollection AddApiOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        return services;
    }

    /// <summary>Reads the options once; the reason when they are wrong, else null.</summary>
    public static string? Check(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<ApiOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException wrong)
        {
            return string.Join(" ", wrong.Failures);
        }
        catch (InvalidOperationException wrong)
        {
            // The binder's own complaint, e.g. a TimeSpan that does not parse.
            return wrong.Message;
        }
    }
}
