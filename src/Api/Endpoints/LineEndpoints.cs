using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Sessions.Answers;

namespace WaEngine.Api.Endpoints;

/// <summary>The line API (CONTRACT.md §3) behind <c>X-API-Token</c>: who the line is and how it is.</summary>
public static class LineEndpoints
{
    /// <summary>Maps <c>/api/me</c> and <c>/api/status</c>.</summary>
    public static IEndpointRouteBuilder MapLineEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api")
            .AddEndpointFilter<LineTokenFilter>()
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Line")
            .WithMetadata(ApiAuth.Line)
            .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        group.MapGet("/me", async (HttpContext context, LineHost host) =>
                Results.Ok(new MeAnswer(await host.ViewAsync(LineTokenFilter.LineOf(context), context.RequestAborted))))
            .WithName("me").WithSummary("The line this token names").Produces<MeAnswer>();
        group.MapGet("/status", async (HttpContext context, LineHost host) =>
            {
                var view = await host.ViewAsync(LineTokenFilter.LineOf(context), context.RequestAborted);
                return Results.Ok(new StatusAnswer(view.Id, view.Name, view.Status, view.PhoneJid, view.Me));
            })
            .WithName("status").WithSummary("The line's status and identity").Produces<StatusAnswer>();
        return app;
    }
}
