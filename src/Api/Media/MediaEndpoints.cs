using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Idempotency;
using WaEngine.Api.Media.Bodies;
using WaEngine.Api.Messages.Views;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.Validation;
using WaEngine.Engine.Media;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Media;

/// <summary>
/// The line API's media (CONTRACT.md §3): <c>POST /api/messages/image|video|audio|document|sticker</c> (202 once the
/// file is encrypted, uploaded and the message queued) and <c>GET /api/media/{msg_id}</c> (the decrypted bytes).
/// </summary>
public static class MediaEndpoints
{
    /// <summary>Registers the media services.</summary>
    public static IServiceCollection AddMedia(this IServiceCollection services)
    {
        services.AddSingleton<MediaUrlFetcher>();
        services.AddSingleton(provider => new MediaHostClient(() => provider.GetService<Sandbox.Hosting.SandboxRuntime>()?.MediaAuthority.CaPem));
        services.AddSingleton<MediaSender>();
        services.AddSingleton<MediaDownloads>();
        return services;
    }

    /// <summary>Maps the media sends and the media download.</summary>
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        var sends = app.MapGroup("/api/messages")
            .AddEndpointFilter<LineTokenFilter>()
            .AddEndpointFilter<IdempotencyFilter>()
            .WithTags("Messages")
            .WithMetadata(ApiAuth.Line)
            .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        var limits = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.ApiOptions>>().Value.Media;
        MapSend<ImageBody>(sends, limits, MediaKind.Image, "Send an image", "JPEG or PNG with an optional caption; 5 MB by default (Api__Media__ImageMaxBytes). Width and height are read from the file.");
        MapSend<VideoBody>(sends, limits, MediaKind.Video, "Send a video", "MP4 or 3GPP with an optional caption; 16 MB by default (Api__Media__VideoMaxBytes).");
        MapSend<AudioBody>(sends, limits, MediaKind.Audio, "Send audio or a voice note", "OGG Opus, MP3, M4A, AAC or AMR; 16 MB by default (Api__Media__AudioMaxBytes). `ptt: true`, or an OGG Opus mimetype (audio/ogg), sends a voice note.");
        MapSend<DocumentBody>(sends, limits, MediaKind.Document, "Send a document", "Any file with a `filename` and an optional caption; 100 MB by default (Api__Media__DocumentMaxBytes). Known file types (PDF, Office, images, audio, video) must have the matching first bytes.");
        MapSend<StickerBody>(sends, limits, MediaKind.Sticker, "Send a sticker", "WebP, no caption; 100 KB static, 500 KB animated by default (Api__Media__StickerMaxBytes, Api__Media__AnimatedStickerMaxBytes).");

        app.MapGroup("/api")
            .AddEndpointFilter<LineTokenFilter>()
            .RequireRateLimiting(LineRateLimits.Requests)
            .WithTags("Chats")
            .WithMetadata(ApiAuth.Line)
            .MapGet("/media/{msg_id}", GetAsync)
            .WithName("getMedia")
            .WithSummary("The decrypted media of a message")
            .WithDescription("The file of a media message (sent or received), with its mimetype and a file name. The blob is downloaded from the media hosts and checked (encrypted SHA-256, MAC, then the plaintext SHA-256) before any byte is served, and kept in a disk cache (Api__Media__CacheMaxBytes, least recently used first out). 404 `not_found` / `no_media`; 502 `media_hash_mismatch`, `media_mac_mismatch`, `media_file_hash_mismatch`, `media_download_failed`, `media_retry_failed`. Media the hosts no longer have is asked for again from the line's phone (the media retry, waiting up to Api__Media__RetryTimeout): 410 `media_not_on_phone` when the phone no longer has it, 504 `media_retry_timeout` when it does not answer, 410 `media_expired` when the line cannot ask (not connected, or the retry is off).")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status410Gone, StatusCodes.Status429TooManyRequests, StatusCodes.Status502BadGateway, StatusCodes.Status504GatewayTimeout);
        return app;
    }

    // The body may be as big as the kind's limit in base64 (Kestrel's own 30 MB default would cut a document short,
    // also while an Idempotency-Key hashes the body before the media reader sees it).
    private static void MapSend<TBody>(RouteGroupBuilder group, MediaOptions limits, MediaKind kind, string summary, string description)
        where TBody : MediaBody =>
        group.MapPost("/" + MediaKinds.Name(kind), SendAsync)
            .WithMetadata(new RequestSizeLimitAttribute((limits.MaxBytes(kind) + 2) / 3 * 4 + MediaRequestReader.FieldsAllowance))
            .AddEndpointFilter(new MediaRequestFilter(kind, BodyContract.Of<TBody>()))
            .AddEndpointFilter<LineReadyFilter>()
            .RequireRateLimiting(LineRateLimits.Sends)
            .WithName("send" + char.ToUpperInvariant(MediaKinds.Name(kind)[0]) + MediaKinds.Name(kind)[1..])
            .WithSummary(summary)
            .WithDescription(description + " Give the file as base64 `file` or as a `url` the service downloads. The answer comes once the file is encrypted, uploaded to WhatsApp's media hosts and the message stored as queued; a failed upload sends nothing (502 `media_upload_failed`). `quoted_msg_id` makes it a reply.")
            .Accepts<TBody>("application/json")
            .Produces<QueuedAnswer>(StatusCodes.Status202Accepted)
            .ProducesErrors(
                StatusCodes.Status400BadRequest,
                StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict,
                StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status422UnprocessableEntity,
                StatusCodes.Status502BadGateway);

    private static async Task<IResult> SendAsync(HttpContext context, LineHost host, MediaSender sender)
    {
        var request = MediaRequestFilter.RequestOf(context);
        var actor = await host.ActorAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted);
        try
        {
            var record = await sender.SendAsync(request, actor, LineReadyFilter.OwnJidOf(context), context.RequestAborted);
            return Results.Json(new QueuedAnswer(true, record.MsgId), statusCode: StatusCodes.Status202Accepted);
        }
        catch (MediaRequestException refused)
        {
            return ApiResults.From(context, refused.Problem);
        }
        catch (LineException ex) when (ex.Kind is LineErrorKind.WrongState or LineErrorKind.ShutDown)
        {
            return ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, ex.Message);
        }
    }

    private static async Task<IResult> GetAsync(HttpContext context, LineHost host, MediaDownloads downloads, [Description("The message id.")] string msg_id)
    {
        var line = LineTokenFilter.LineOf(context).Id;
        var actor = await host.ActorAsync(line, context.RequestAborted);
        return await downloads.ServeAsync(context, actor, line.Value, msg_id);
    }
}
