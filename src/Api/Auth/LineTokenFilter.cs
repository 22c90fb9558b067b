using WaEngine.Api.Errors;
using WaEngine.Store.Registry;

namespace WaEngine.Api.Auth;

/// <summary>Resolves <c>X-API-Token</c> to its line (the token names the line); unknown or rotated tokens get 401.</summary>
public sealed class LineTokenFilter(LineRegistry registry) : IEndpointFilter
{
    /// <summary>The key under which the resolved line is kept in <see cref="HttpContext.Items"/>.</summary>
    public const string LineKey = "waengine.line";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var token = context.HttpContext.Request.Headers["X-API-Token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            return ApiResults.Unauthorized(context.HttpContext, "The line API needs the line's token in the X-API-Token header.");
        }

        var line = await registry.FindByTokenAsync(token, context.HttpContext.RequestAborted);
        if (line is null)
        {
            return ApiResults.Unauthorized(context.HttpContext, "This token names no line (unknown, or rotated).");
        }

        context.HttpContext.Items[LineKey] = line;
        return await next(context);
    }

    /// <summary>The line a filtered request is for.</summary>
    public static LineRecord LineOf(HttpContext context) => (LineRecord)context.Items[LineKey]!;
}
