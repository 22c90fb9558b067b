using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Engine.Media;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// Media for virtual phones: builds a media message from bytes given in the control API (encrypted as WhatsApp does,
/// stored on the sandbox's media host, the message pointing at it), and reads a received media message back the way a
/// phone would (download from the host, hash and MAC checked, decrypted, plaintext hashed).
/// </summary>
public static class PhoneMedia
{
    /// <summary>Largest file a virtual phone sends (the sandbox keeps tests small).</summary>
    public const int MaxFileBytes = 32 * 1024 * 1024;

    /// <summary>The message for <paramref name="request"/>; a <see cref="SandboxInputException"/> naming the field when it is wrong.</summary>
    public static async Task<Message> BuildAsync(MediaHost host, PhoneMediaRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        var kind = MediaKinds.Parse(request.Type)
            ?? throw new SandboxInputException($"media.type must be image, video, audio, document or sticker (not '{request.Type}').", 400, "media.type");
        if (string.IsNullOrEmpty(request.Mimetype))
        {
            throw new SandboxInputException("media.mimetype is required.", 400, "media.mimetype");
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(request.Data ?? "");
        }
        catch (FormatException)
        {
            throw new SandboxInputException("media.data must be the file in base64.", 400, "media.data");
        }

        if (data.Length is 0 or > MaxFileBytes)
        {
            throw new SandboxInputException($"media.data must hold 1 to {MaxFileBytes} bytes (it holds {data.Length}).", 400, "media.data");
        }

        using var blob = new MemoryStream();
        EncryptedMedia encrypted;
        using (var encrypting = new MediaEncryptingStream(blob, kind))
        {
            await encrypting.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            encrypted = await encrypting.FinishAsync(cancellationToken).ConfigureAwait(false);
        }

        blob.Position = 0;
        var (directPath, _) = await host.Blobs.SaveAsync(MediaKinds.UploadType(kind), blob, MediaBlobStore.MaxBlobBytes, cancellationToken).ConfigureAwait(false);
        var uploaded = new UploadedMedia(host.BaseUrl + directPath, directPath!, encrypted);
        var details = new MediaDetails
        {
            Mimetype = request.Mimetype,
            Caption = kind is MediaKind.Audio or MediaKind.Sticker ? null : request.Caption,
            FileName = kind == MediaKind.Document ? request.FileName ?? "file" : null,
            Ptt = kind == MediaKind.Audio && request.Ptt == true,
        };
        return MediaMessageBuilder.Build(kind, uploaded, details, now);
    }

    /// <summary>A message as protobuf JSON (what the control API shows of a media message a phone sent: its url, direct path and keys).</summary>
    public static System.Text.Json.Nodes.JsonNode ToJson(Message message) => System.Text.Json.Nodes.JsonNode.Parse(JsonFormatter.Default.Format(message))!;

    /// <summary>The media of a received message (protobuf JSON as the inbox keeps it), or null when it has none.</summary>
    public static async Task<PhoneMediaView?> DescribeAsync(MediaBlobStore blobs, System.Text.Json.Nodes.JsonNode? message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        if (message is null)
        {
            return null;
        }

        Message parsed;
        try
        {
            parsed = JsonParser.Default.Parse<Message>(message.ToJsonString());
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        if (MediaMessageBuilder.ReferenceOf(parsed) is not { } media)
        {
            return null;
        }

        var type = MediaKinds.Name(media.Kind);
        var stream = blobs.OpenDirectPath(media.DirectPath.Length > 0 ? media.DirectPath : media.Url);
        if (stream is null)
        {
            return new PhoneMediaView(type, media.Mimetype, media.FileName, null, null, "the blob is not on the sandbox's media host (expired or never uploaded)");
        }

        await using (stream.ConfigureAwait(false))
        {
            using var plain = new MemoryStream();
            try
            {
                var size = await MediaDecryptor.DecryptAsync(stream, plain, media.Kind, media.MediaKey.Memory, media.FileEncSha256.Memory, media.FileSha256.Memory, cancellationToken).ConfigureAwait(false);
                return new PhoneMediaView(type, media.Mimetype, media.FileName, size, Convert.ToHexStringLower(SHA256.HashData(plain.GetBuffer().AsSpan(0, (int)plain.Length))), null);
            }
            catch (Exception ex) when (ex is MediaException or WaEngine.Engine.Crypto.CryptoException)
            {
                return new PhoneMediaView(type, media.Mimetype, media.FileName, null, null, ex.Message);
            }
        }
    }
}
