using System.Text.Json.Serialization;
using WaEngine.Sandbox.Hosting;
using WaEngine.Sandbox.Phone;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// The media part of the control API: <c>POST /media/expire</c> drops a blob from the media host (downloads then
/// answer 404, as WhatsApp's hosts do for old media; the phones keep their copy for the media retry unless
/// <c>lost</c> is true), and the phone inbox's <c>media</c> view.
/// </summary>
public static class MediaControlEndpoints
{
    /// <summary>Maps <c>POST /media/expire</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxMediaEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/media/expire", ExpireAsync);
        return group;
    }

    /// <summary>The messages with the <c>media</c> of each media message filled in.</summary>
    public static async Task<IReadOnlyList<PhoneMessage>> WithMediaAsync(MediaBlobStore blobs, IReadOnlyList<PhoneMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new List<PhoneMessage>(messages.Count);
        foreach (var message in messages)
        {
            var media = await PhoneMedia.DescribeAsync(blobs, message.Message, cancellationToken).ConfigureAwait(false);
            result.Add(media is null ? message : message with { Media = media });
        }

        return result;
    }

    private static async Task<IResult> ExpireAsync(HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await Control.JsonBody.ReadAsync<ExpireRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        var target = body.DirectPath ?? body.Url;
        if (string.IsNullOrWhiteSpace(target))
        {
            return Control.JsonBody.Error("Give direct_path or url: the blob to expire.", param: "direct_path");
        }

        return sandbox.Media.Blobs.Expire(target, body.Lost == true)
            ? TypedResults.Ok(new { expired = true, lost = body.Lost == true })
            : Control.JsonBody.Error($"No blob at '{target}' on the sandbox's media host.", 404, "direct_path");
    }

    private sealed record ExpireRequest(
        [property: JsonPropertyName("direct_path")] string? DirectPath,
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("lost")] bool? Lost);
}
