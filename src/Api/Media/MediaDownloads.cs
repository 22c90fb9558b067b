using Google.Protobuf;
using Microsoft.Extensions.Options;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;
using WaEngine.Engine.Media;
using WaEngine.Engine.Media.Retry;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Proto;
using WaEngine.Store;
using WaEngine.Store.Media;

namespace WaEngine.Api.Media;

/// <summary>
/// <c>GET /api/media/{msg_id}</c>: the message's blob is downloaded from the media hosts (its url, then each host of
/// the line's <c>media_conn</c>) into a temporary file, its SHA-256 and MAC are checked before a single byte is
/// decrypted, the plaintext is checked against <c>fileSha256</c>, and only then is it moved into the
/// <see cref="MediaCache"/> and streamed with its mimetype and a file name. A damaged or forged blob is never served:
/// the answer is 502 with the check that failed as its code (<c>media_hash_mismatch</c>, <c>media_mac_mismatch</c>,
/// <c>media_file_hash_mismatch</c>), and a log line. Media the hosts no longer have is asked for again from our phone
/// (the media retry, <see cref="LineActor.RequestMediaRetryAsync"/>): the new direct path it answers with is stored
/// (<see cref="SqliteMediaRetryPaths"/>) and downloaded; a phone that no longer has it is 410 <c>media_not_on_phone</c>,
/// one that does not answer within <see cref="MediaOptions.RetryTimeout"/> 504 <c>media_retry_timeout</c>, and a line
/// that cannot ask (not connected, or retries turned off) 410 <c>media_expired</c>.
/// </summary>
public sealed partial class MediaDownloads
{
    private readonly MediaDownloader _downloader;
    private readonly MediaCache _cache;
    private readonly MediaOptions _options;
    private readonly LineDatabases _databases;
    private readonly TimeProvider _time;
    private readonly ILogger<MediaDownloads> _logger;

    /// <summary>Creates the service; the cache lives under the data folder's <c>media-cache</c>.</summary>
    public MediaDownloads(MediaHostClient hosts, IOptions<ApiOptions> options, DataFolder data, LineDatabases databases, TimeProvider time, ILogger<MediaDownloads> logger)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        _downloader = new MediaDownloader(hosts.Http);
        _options = options.Value.Media;
        _cache = new MediaCache(Path.Combine(data.Path, "media-cache"), _options.CacheMaxBytes, time);
        _databases = databases ?? throw new ArgumentNullException(nameof(databases));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The answer for <paramref name="msgId"/> of <paramref name="actor"/>'s line.</summary>
    public async Task<IResult> ServeAsync(HttpContext context, LineActor actor, long lineId, string msgId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(actor);
        var token = context.RequestAborted;
        if (await actor.Messages.FindAsync(msgId, token).ConfigureAwait(false) is not { } record)
        {
            return ApiResults.NotFound(context, $"There is no message '{msgId}' on this line.", "msg_id");
        }

        var media = MediaMessageBuilder.ReferenceOf(Message.Parser.ParseFrom(record.Content));
        if (media is null || media.MediaKey.Length != MediaKeys.MediaKeyLength)
        {
            var what = media is null ? $"Message '{msgId}' is a {record.Type} message and has no media." : $"The media of message '{msgId}' has no usable media key.";
            return ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.NoMedia, what, "msg_id");
        }

        var cacheKey = media.FileSha256.Length == 32 ? media.FileSha256.ToByteArray() : System.Security.Cryptography.SHA256.HashData(media.MediaKey.Span);
        var path = _cache.TryGet(lineId, cacheKey);
        if (path is null)
        {
            try
            {
                path = await FetchOrRetryAsync(actor, lineId, record, media, cacheKey, token).ConfigureAwait(false);
            }
            catch (MediaException ex)
            {
                LogRefused(lineId, msgId, ex.Code, ex.Message);
                var status = ex.Code switch
                {
                    MediaErrorCodes.Expired or MediaErrorCodes.NotOnPhone => StatusCodes.Status410Gone,
                    MediaErrorCodes.RetryTimeout => StatusCodes.Status504GatewayTimeout,
                    _ => StatusCodes.Status502BadGateway,
                };
                return ApiResults.Error(context, status, ex.Code, $"The media of message '{msgId}' is not served: {ex.Message}", "msg_id");
            }
        }

        var contentType = string.IsNullOrWhiteSpace(media.Mimetype) ? "application/octet-stream" : media.Mimetype;
        return Results.File(path, contentType, media.FileName ?? DefaultName(msgId, media), enableRangeProcessing: true);
    }

    // The stored direct path of an earlier retry first; on expiry, our phone is asked to upload it again (once).
    private async Task<string> FetchOrRetryAsync(LineActor actor, long lineId, MessageRecord record, MediaReference media, byte[] cacheKey, CancellationToken cancellationToken)
    {
        var retryPaths = new SqliteMediaRetryPaths(await _databases.OpenAsync(actor.LineId, cancellationToken).ConfigureAwait(false));
        var refreshed = await retryPaths.FindAsync(record.MsgId, cancellationToken).ConfigureAwait(false);
        try
        {
            return await FetchAsync(actor, lineId, refreshed is null ? media.Url : null, refreshed ?? media.DirectPath, media, cacheKey, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaException expired) when (expired.Code == MediaErrorCodes.Expired)
        {
            if (_options.RetryTimeout <= TimeSpan.Zero)
            {
                throw;
            }

            var participant = record.ChatJid.EndsWith("@g.us", StringComparison.Ordinal) && !record.FromMe ? record.SenderJid : null;
            var target = new MediaRetryTarget(record.MsgId, record.ChatJid, record.FromMe, participant, media.MediaKey.Memory);
            LogRetrying(lineId, record.MsgId);
            MediaRetryNotification answer;
            try
            {
                answer = await actor.RequestMediaRetryAsync(target, _options.RetryTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (LineException ex)
            {
                throw new MediaException(MediaErrorCodes.Expired, $"{expired.Message} The line cannot ask its phone for it now: {ex.Message}", ex);
            }

            await retryPaths.SaveAsync(record.MsgId, answer.DirectPath, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            LogRetried(lineId, record.MsgId);
            return await FetchAsync(actor, lineId, null, answer.DirectPath, media, cacheKey, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> FetchAsync(LineActor actor, long lineId, string? url, string? directPath, MediaReference media, byte[] cacheKey, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> hosts = [];
        try
        {
            hosts = (await actor.MediaConnAsync(null, cancellationToken).ConfigureAwait(false)).Hosts;
        }
        catch (LineException)
        {
            // Not connected: the message's own url and WhatsApp's default host remain.
        }

        var maxBlob = (media.FileLength > 0 ? (long)media.FileLength : _options.LargestMaxBytes) + 16 + MediaEncryptingStream.MacLength;
        var blobPath = Path.Combine(_cache.Folder, Guid.NewGuid().ToString("N") + ".blob");
        var plainPath = Path.Combine(_cache.Folder, Guid.NewGuid().ToString("N") + ".plain");
        try
        {
            var blob = new FileStream(blobPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, useAsync: true);
            await using (blob.ConfigureAwait(false))
            {
                await _downloader.DownloadAsync(url, directPath, hosts, blob, maxBlob, cancellationToken).ConfigureAwait(false);
                var plain = new FileStream(plainPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
                await using (plain.ConfigureAwait(false))
                {
                    await MediaDecryptor.DecryptAsync(blob, plain, media.Kind, media.MediaKey.Memory, media.FileEncSha256.Memory, media.FileSha256.Memory, cancellationToken).ConfigureAwait(false);
                }
            }

            return _cache.Add(lineId, cacheKey, plainPath);
        }
        finally
        {
            File.Delete(blobPath);
            File.Delete(plainPath);
        }
    }

    private static string DefaultName(string msgId, MediaReference media) => msgId + (MediaFileTypes.Essence(media.Mimetype) switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/webp" => ".webp",
        "video/mp4" => ".mp4",
        "video/3gpp" => ".3gp",
        "audio/ogg" => ".ogg",
        "audio/mpeg" => ".mp3",
        "audio/mp4" => ".m4a",
        "audio/aac" => ".aac",
        "audio/amr" => ".amr",
        "application/pdf" => ".pdf",
        _ => ".bin",
    });

    [LoggerMessage(Level = LogLevel.Information, Message = "Line {LineId}: media of message {MsgId} expired; asking our phone to upload it again")]
    private partial void LogRetrying(long lineId, string msgId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Line {LineId}: our phone uploaded the media of message {MsgId} again")]
    private partial void LogRetried(long lineId, string msgId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Line {LineId}: media of message {MsgId} refused ({Code}): {Reason}")]
    private partial void LogRefused(long lineId, string msgId, string code, string reason);
}
