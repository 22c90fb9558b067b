using System.Security.Cryptography;
using System.Text;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;

namespace WaEngine.Api.Auth;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;admin key&gt;</c>, compared in constant time.</summary>
public sealed class AdminKeyFilter(AdminKeyHolder key) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return ApiResults.Unauthorized(context.HttpContext, "The admin API needs Authorization: Bearer <admin key>.");
        }

        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        var expected = Encoding.UTF8.GetBytes(key.Value);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(expected)))
        {
            return ApiResults.Unauthorized(context.HttpContext, "The admin key is wrong.");
        }

        return await next(context);
    }
}
