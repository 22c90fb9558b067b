using System.Buffers;
using System.Buffers.Text;
using Microsoft.Extensions.Options;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;
using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Api.Media;

/// <summary>
/// Sends one media request end to end: the file (decoded from the body's base64 in chunks, or streamed from its URL)
/// goes through the encryptor into a temporary file — size limit and magic number checked on the way, before any
/// upload — then is uploaded through the line's <c>media_conn</c>, and only then is the message queued. A failed upload
/// queues nothing (502 <c>media_upload_failed</c> with the hosts' answers). Images, voice notes and ISO media (MP4,
/// 3GPP, M4A) are also copied as plaintext into a second temporary file on the way, which <see cref="MediaExtras"/> reads
/// whole (thumbnail, waveform, a <c>moov</c> after the media data; a video's first frame through ffmpeg). The temporary files are deleted in every case.
/// </summary>
public sealed partial class MediaSender
{
    private const int ChunkLength = 64 * 1024;
    private const int HeadLength = 64 * 1024;
    private readonly MediaOptions _options;
    private readonly MediaUrlFetcher _fetcher;
    private readonly MediaUploader _uploader;
    private readonly string _tempFolder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly VideoFrameReader? _video;

    /// <summary>Creates the sender; temporary files go under the data folder's <c>tmp/media</c>.</summary>
    public MediaSender(IOptions<ApiOptions> options, MediaUrlFetcher fetcher, MediaHostClient hosts, DataFolder data, TimeProvider time, ILogger<MediaSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(data);
        _options = options.Value.Media;
        _fetcher = fetcher ?? throw new ArgumentNullException(nameof(fetcher));
        _uploader = new MediaUploader(hosts.Http, logger ?? throw new ArgumentNullException(nameof(logger)));
        _logger = logger;
        _video = VideoFrameReader.From(_options);
        _tempFolder = Path.Combine(data.Path, "tmp", "media");
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Directory.CreateDirectory(_tempFolder);
    }

    /// <summary>The limit that applies to <paramref name="kind"/> before its bytes are seen (stickers: the animated one).</summary>
    public long MaxBytes(MediaKind kind) => _options.MaxBytes(kind);

    /// <summary>Encrypts, uploads and queues the message; returns the stored message. Throws <see cref="MediaRequestException"/> with the answer when it cannot.</summary>
    public async Task<MessageRecord> SendAsync(MediaRequest request, LineActor actor, string ownJid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var quoted = request.QuotedMsgId is { } quotedId ? await FindQuotedAsync(actor.Messages, request.To, quotedId, cancellationToken).ConfigureAwait(false) : null;
        var tempPath = Path.Combine(_tempFolder, Guid.NewGuid().ToString("N") + ".enc");
        var plainPath = MediaExtras.NeedsFile(request) ? Path.ChangeExtension(tempPath, ".plain") : null;
        try
        {
            var (encrypted, head, seconds) = await EncryptAsync(request, tempPath, plainPath, cancellationToken).ConfigureAwait(false);
            UploadedMedia uploaded;
            try
            {
                uploaded = await _uploader.UploadAsync(actor.MediaConnAsync, request.Kind,
                    () => new FileStream(tempPath, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkLength, useAsync: true), encrypted, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MediaException or LineException)
            {
                var code = ex is LineException ? ErrorCodes.NotConnected : ErrorCodes.MediaUploadFailed;
                var status = ex is LineException ? StatusCodes.Status403Forbidden : StatusCodes.Status502BadGateway;
                throw new MediaRequestException(new ApiProblem(status, code, $"The {MediaKinds.Name(request.Kind)} was not sent: {ex.Message}"), ex);
            }

            var details = MediaProbe.Details(request, head);
            details = details with { Seconds = seconds ?? details.Seconds };
            details = plainPath is null ? details : await MediaExtras.AddAsync(request, details, plainPath, _video, _logger, cancellationToken).ConfigureAwait(false);
            var message = MediaMessageBuilder.Build(request.Kind, uploaded, details, _time.GetUtcNow(), quoted, ownJid);
            return await actor.SendMessageAsync(quoted?.ChatJid ?? request.To, message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(tempPath);
            if (plainPath is not null)
            {
                File.Delete(plainPath);
            }
        }
    }

    // The file is encrypted into tempPath; a kind that is read whole afterwards (MediaExtras) is also copied, as
    // plaintext, into plainPath on the way (else its copy goes to Stream.Null).
    private async Task<(EncryptedMedia Encrypted, byte[] Head, uint? Seconds)> EncryptAsync(MediaRequest request, string tempPath, string? plainPath, CancellationToken cancellationToken)
    {
        var limit = MaxBytes(request.Kind);
        var clock = request.Kind == MediaKind.Audio && MediaFileTypes.Essence(request.Mimetype) is "audio/ogg" or "audio/opus" ? new OggOpusClock() : null;
        var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, ChunkLength, useAsync: true);
        var plain = plainPath is null ? Stream.Null : new FileStream(plainPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, ChunkLength, useAsync: true);
        await using (file.ConfigureAwait(false))
        await using (plain.ConfigureAwait(false))
        {
            using var encrypting = new MediaEncryptingStream(file, request.Kind, headLength: HeadLength);
            if (request.Url is { } url)
            {
                await _fetcher.FetchAsync(url, limit, (body, _, token) => CopyAsync(body, encrypting, plain, request, limit, clock, token), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await DecodeAsync(request, encrypting, plain, limit, clock, cancellationToken).ConfigureAwait(false);
            }

            if (encrypting.FileLength == 0)
            {
                throw MediaRequestException.Invalid(request.Url is null ? "file" : "url", "The file is empty.");
            }

            CheckHead(request, encrypting.Head, encrypting.FileLength, final: true);
            if (request.Kind == MediaKind.Sticker && !MediaFileTypes.IsAnimatedWebP(encrypting.Head) && encrypting.FileLength > _options.StickerMaxBytes)
            {
                throw MediaRequestException.TooLarge(request.Url is null ? "file" : "url", $"The static sticker ({encrypting.FileLength} bytes)", _options.StickerMaxBytes);
            }

            var encrypted = await encrypting.FinishAsync(cancellationToken).ConfigureAwait(false);
            return (encrypted, encrypting.Head.ToArray(), clock?.Seconds(encrypting.Head));
        }
    }

    // The base64 text is decoded chunk by chunk straight into the encryptor: the decoded file never sits in memory.
    private static async Task DecodeAsync(MediaRequest request, MediaEncryptingStream encrypting, Stream plain, long limit, OggOpusClock? clock, CancellationToken cancellationToken)
    {
        var (start, length) = Base64Bounds(request);
        if (DecodedLength(request, start, length) is var decoded && decoded > limit)
        {
            throw MediaRequestException.TooLarge("file", $"The {MediaKinds.Name(request.Kind)} ({decoded} bytes)", limit);
        }

        var output = ArrayPool<byte>.Shared.Rent(ChunkLength);
        try
        {
            var offset = start;
            var end = start + length;
            while (offset < end)
            {
                var take = Math.Min(ChunkLength / 3 * 4, end - offset);
                var status = Base64.DecodeFromUtf8(request.Base64.Slice(offset, take), output, out var consumed, out var written, isFinalBlock: offset + take == end);
                if (status == System.Buffers.OperationStatus.InvalidData || (consumed == 0 && written == 0))
                {
                    throw MediaRequestException.Invalid("file", $"file is not base64: the text goes wrong near character {offset + consumed - start}.");
                }

                offset += consumed;
                clock?.Feed(output.AsSpan(0, written));
                await encrypting.WriteAsync(output.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
                await plain.WriteAsync(output.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
                CheckHead(request, encrypting.Head, encrypting.FileLength, final: false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static async Task CopyAsync(Stream body, MediaEncryptingStream encrypting, Stream plain, MediaRequest request, long limit, OggOpusClock? clock, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkLength);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, ChunkLength), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (encrypting.FileLength + read > limit)
                {
                    throw MediaRequestException.TooLarge("url", $"The file at the url (more than {encrypting.FileLength + read} bytes)", limit);
                }

                clock?.Feed(buffer.AsSpan(0, read));
                await encrypting.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await plain.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                CheckHead(request, encrypting.Head, encrypting.FileLength, final: false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Once enough of the file is seen (or all of it): the magic number, and a static sticker's smaller limit.
    private static void CheckHead(MediaRequest request, ReadOnlySpan<byte> head, long seen, bool final)
    {
        if (!final && head.Length < 32)
        {
            return;
        }

        if (seen - head.Length > 0 && !final)
        {
            return;
        }

        var param = request.Url is null ? "file" : "url";
        if (MediaFileTypes.MismatchOf(request.Mimetype, head) is { } mismatch)
        {
            throw MediaRequestException.Invalid(param, mismatch);
        }
    }

    private static (int Start, int Length) Base64Bounds(MediaRequest request)
    {
        var text = request.Base64;
        var start = 0;
        if (text.StartsWith("data:"u8))
        {
            var comma = text.IndexOf((byte)',');
            if (comma < 0 || !text[..comma].EndsWith(";base64"u8))
            {
                throw MediaRequestException.Invalid("file", "file is a data: URL without ;base64, — give the file's bytes in base64.");
            }

            start = comma + 1;
        }

        return (start, text.Length - start);
    }

    private static long DecodedLength(MediaRequest request, int start, int length)
    {
        var text = request.Base64.Slice(start, length);
        if (length % 4 != 0)
        {
            throw MediaRequestException.Invalid("file", $"file is not base64: its length ({length} characters) is not a multiple of 4.");
        }

        var padding = length == 0 ? 0 : text[^1] == '=' ? (text[^2] == '=' ? 2 : 1) : 0;
        return (long)length / 4 * 3 - padding;
    }

    private static async Task<MessageRecord?> FindQuotedAsync(IMessageStore messages, string chatJid, string msgId, CancellationToken cancellationToken)
    {
        var found = await messages.FindInChatAsync(chatJid, msgId, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            var other = chatJid.EndsWith("@lid", StringComparison.Ordinal)
                ? await messages.FindPnForLidAsync(chatJid, cancellationToken).ConfigureAwait(false)
                : await messages.FindLidForPnAsync(chatJid, cancellationToken).ConfigureAwait(false);
            found = other is null ? null : await messages.FindInChatAsync(other, msgId, cancellationToken).ConfigureAwait(false);
        }

        if (found is null)
        {
            throw new MediaRequestException(ApiProblem.NotFound("quoted_msg_id", $"There is no message '{msgId}' in the chat with {chatJid} on this line."));
        }

        if (found.Type is "reaction" or "edit" or "revoke" or "protocol")
        {
            throw MediaRequestException.Invalid("quoted_msg_id", $"Message '{msgId}' is a {found.Type}, not a message that can be replied to.");
        }

        return found;
    }
}
