using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using WaEngine.Api.Errors;
using WaEngine.Api.Validation;
using WaEngine.Engine.Media;

namespace WaEngine.Api.Media;

/// <summary>
/// Reads a media send body in one pass over one buffer: the body is read once (refused with 413 by its length before
/// it is read when it cannot fit the kind's limit), parsed with a forward-only JSON reader, and the base64 <c>file</c>
/// is not copied — the request points at its range of the buffer. Checks what the body says: each string field's type
/// and length against the body record (<see cref="BodyContract"/>), <c>to</c>, exactly one of <c>file</c> and <c>url</c>,
/// the mimetype's form and whether the kind takes it, no caption on stickers, <c>ptt</c> a boolean. The first problem wins.
/// </summary>
public static class MediaRequestReader
{
    /// <summary>Room in a body for everything but the file.</summary>
    public const int FieldsAllowance = 64 * 1024;

    /// <summary>The request, or a <see cref="MediaRequestException"/> with the answer.</summary>
    public static async Task<MediaRequest> ReadAsync(HttpContext http, MediaKind kind, BodyContract contract, long maxFileBytes)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(contract);
        var maxBody = (maxFileBytes + 2) / 3 * 4 + FieldsAllowance;
        if (http.Request.ContentLength > maxBody)
        {
            throw MediaRequestException.TooLarge("file", $"The request body ({http.Request.ContentLength} bytes) is too big: the {MediaKinds.Name(kind)}", maxFileBytes);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBody;
        }

        var (body, length) = await ReadBodyAsync(http, kind, maxBody, maxFileBytes).ConfigureAwait(false);
        try
        {
            var request = Parse(body, length, kind, contract);
            body = null;
            return request;
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }
    }

    private static async Task<(byte[] Body, int Length)> ReadBodyAsync(HttpContext http, MediaKind kind, long maxBody, long maxFileBytes)
    {
        var declared = http.Request.ContentLength;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(declared is > 0 ? declared.Value + 1 : 64 * 1024, maxBody + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBody)
                    {
                        throw MediaRequestException.TooLarge("file", $"The request body is too big: the {MediaKinds.Name(kind)}", maxFileBytes);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBody + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await http.Request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBody)
                {
                    throw MediaRequestException.TooLarge("file", $"The request body is too big: the {MediaKinds.Name(kind)}", maxFileBytes);
                }
            }

            return (buffer, length);
        }
        catch (Exception ex) when (ex is MediaRequestException or IOException or OperationCanceledException or BadHttpRequestException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                throw MediaRequestException.TooLarge("file", $"The request body is too big: the {MediaKinds.Name(kind)}", maxFileBytes);
            }

            throw;
        }
    }

    private static MediaRequest Parse(byte[] body, int length, MediaKind kind, BodyContract contract)
    {
        if (length == 0 || body.AsSpan(0, length).IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            throw MediaRequestException.Invalid(null!, "The request needs a JSON object body.");
        }

        var fields = contract.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        Range? file = null;
        bool? ptt = null;
        var reader = new Utf8JsonReader(body.AsSpan(0, length), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw MediaRequestException.Invalid(null!, "The body must be a JSON object ({...}).");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name == "ptt" && kind == MediaKind.Audio)
                {
                    ptt = reader.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False => false,
                        JsonTokenType.Null => null,
                        _ => throw MediaRequestException.Invalid("ptt", $"ptt must be true or false, not {Describe(reader.TokenType)}."),
                    };
                    continue;
                }

                if (name == "caption" && kind is MediaKind.Sticker or MediaKind.Audio && reader.TokenType != JsonTokenType.Null)
                {
                    throw MediaRequestException.Invalid("caption", $"A {MediaKinds.Name(kind)} takes no caption.");
                }

                if (!fields.ContainsKey(name))
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType == JsonTokenType.Null)
                {
                    values[name] = null;
                    if (name == "file")
                    {
                        file = null;
                    }

                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    var kindOfValue = Describe(reader.TokenType);
                    reader.Skip();
                    throw MediaRequestException.Invalid(name, $"{name} must be a string, not {kindOfValue}.");
                }

                if (name == "file")
                {
                    file = FileRange(ref reader, body);
                    values[name] = "";
                    continue;
                }

                var value = reader.GetString()!;
                if (value.Length > fields[name].MaxLength)
                {
                    throw MediaRequestException.Invalid(name, $"{name} is {value.Length} characters long; the limit is {fields[name].MaxLength}.");
                }

                values[name] = value;
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw MediaRequestException.Invalid(null!, "The body is not valid JSON: it goes on after its object.");
            }
        }
        catch (JsonException ex)
        {
            throw new MediaRequestException(ApiProblem.Invalid(null!, $"The body is not valid JSON: {ex.Message.Split(" Path:")[0].TrimEnd('.')} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})."), ex);
        }

        foreach (var field in contract.Fields.Where(f => f.Required && values.GetValueOrDefault(f.Name) is null))
        {
            throw MediaRequestException.Invalid(field.Name, $"{field.Name} is required.");
        }

        var (to, wrongTo) = RecipientJid.Normalize(values["to"]!, "to");
        if (wrongTo is not null)
        {
            throw new MediaRequestException(wrongTo);
        }

        var url = values.GetValueOrDefault("url");
        if ((file is null) == (url is null))
        {
            throw MediaRequestException.Invalid("file", file is null
                ? $"Give the {MediaKinds.Name(kind)} as file (base64) or url."
                : "Give file or url, not both.");
        }

        var mimetype = values["mimetype"]!.Trim();
        if (!MediaFileTypes.IsWellFormed(mimetype))
        {
            throw MediaRequestException.Invalid("mimetype", $"mimetype '{mimetype}' is not a MIME type (type/subtype).");
        }

        if (MediaFileTypes.RefusalFor(kind, mimetype) is { } refusal)
        {
            throw MediaRequestException.Invalid("mimetype", refusal);
        }

        var caption = values.GetValueOrDefault("caption");
        if (caption is not null && string.IsNullOrWhiteSpace(caption))
        {
            caption = null;
        }

        var quoted = values.GetValueOrDefault("quoted_msg_id");
        if (quoted is not null && (quoted.Length == 0 || quoted.Any(char.IsWhiteSpace)))
        {
            throw MediaRequestException.Invalid("quoted_msg_id", "quoted_msg_id must be a message id (no spaces), as returned in msg_id.");
        }

        var fileName = values.GetValueOrDefault("filename");
        if (fileName is not null && (fileName.Trim().Length == 0 || fileName.IndexOfAny(['/', '\\']) >= 0 || fileName.Any(char.IsControl)))
        {
            // Control characters (NUL, CR, LF, tab ...) are refused too: a name that ends up in a peer's download dialog,
            // a webhook payload or someone's Content-Disposition header must not be able to split a line.
            throw MediaRequestException.Invalid("filename", "filename must be a file name (not empty, no slashes, no control characters such as line breaks).");
        }

        return new MediaRequest(kind, to!, file is null ? null : body, file ?? default, url, mimetype)
        {
            Caption = caption,
            FileName = fileName,
            Ptt = kind == MediaKind.Audio && (ptt == true || MediaFileTypes.Essence(mimetype) is "audio/ogg" or "audio/opus"),
            QuotedMsgId = quoted,
        };
    }

    // The range of the base64 text in the body. Escapes (a JSON encoder writing "\/") are undone in place: the unescaped
    // text is never longer, so it fits where the escaped text was.
    private static Range FileRange(ref Utf8JsonReader reader, byte[] body)
    {
        var start = (int)reader.TokenStartIndex + 1;
        var rawLength = reader.ValueSpan.Length;
        if (!reader.ValueIsEscaped)
        {
            return new Range(start, start + rawLength);
        }

        var unescaped = ArrayPool<byte>.Shared.Rent(rawLength);
        try
        {
            var written = reader.CopyString(unescaped);
            unescaped.AsSpan(0, written).CopyTo(body.AsSpan(start));
            return new Range(start, start + written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(unescaped);
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        _ => "that",
    };
}
