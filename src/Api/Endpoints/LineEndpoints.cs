using WaEngine.Api.Auth;
using WaEngine.Api.Sessions;

namespace WaEngine.Api.Endpoints;

/// <summary>The line API (CONTRACT.md §3) behind <c>X-API-Token</c>: who the line is and how it is.</summary>
public static class LineEndpoints
{
    /// <summary>Maps <c>/api/me</c> and <c>/api/status</c>.</summary>
    public static IEndpointRouteBuilder MapLineEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").AddEndpointFilter<LineTokenFilter>().WithTags("Line");
        group.MapGet("/me", async (HttpContext context, LineHost host) =>
            Results.Ok(new { session = await host.ViewAsync(LineTokenFilter.LineOf(context), context.RequestAborted) }));
        group.MapGet("/status", async (HttpContext context, LineHost host) =>
        {
            var view = await host.ViewAsync(LineTokenFilter.LineOf(context), context.RequestAborted);
            return Results.Ok(new { id = view.Id, name = view.Name, status = view.Status, phone_jid = view.PhoneJid, me = view.Me });
        });
        return app;
    }
}
