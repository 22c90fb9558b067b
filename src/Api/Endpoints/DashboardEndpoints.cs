using WaEngine.Api.Hosting;

namespace WaEngine.Api.Endpoints;

/// <summary>
/// The dashboard (CONTRACT.md §1): <c>/</c> is its page, <c>/dashboard/{file}</c> its scripts, styles and icon. Every
/// answer carries a strict Content-Security-Policy (only this origin; no inline script or style; QR images as
/// <c>blob:</c>; no framing; no form posts) and the usual security headers. The page holds no secret: it asks for the
/// admin key and sends it only as the Authorization header of its API calls.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>The Content-Security-Policy of every dashboard answer.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Maps <c>GET /</c> and <c>GET /dashboard/{file}</c> (not part of the OpenAPI document).</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var files = DashboardFiles.Load(typeof(DashboardEndpoints).Assembly);
        app.MapGet("/", (HttpContext context) => Serve(context, files.Find("index.html"))).ExcludeFromDescription();
        app.MapGet("/dashboard/{*name}", (HttpContext context, string? name) => Serve(context, files.Find(name))).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext context, DashboardFile? file)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        if (file is null)
        {
            return Results.NotFound();
        }

        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        return context.Request.Headers.IfNoneMatch == file.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(file.Content, file.ContentType);
    }
}
