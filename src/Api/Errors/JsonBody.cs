using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaEngine.Api.Errors;

/// <summary>
/// Reads a JSON object body field by field, so each problem is named with its field: malformed JSON, a body that is
/// not an object, a missing field, a field of the wrong type.
/// </summary>
public sealed class JsonBody
{
    private readonly JsonObject _object;
    private readonly JsonBody? _parent;
    private readonly string _prefix;
    private (string Param, string Message)? _problem;

    private JsonBody(JsonObject value, JsonBody? parent = null, string prefix = "")
    {
        _object = value;
        _parent = parent;
        _prefix = prefix;
    }

    /// <summary>The first problem found, as the field and a sentence (for a nested object, of the whole body).</summary>
    public (string Param, string Message)? Problem => _parent is null ? _problem : _parent.Problem;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses the request body; an empty body reads as <c>{}</c> when <paramref name="emptyAllowed"/>.</summary>
    public static async Task<(JsonBody? Body, IResult? Error)> ReadAsync(HttpContext context, bool emptyAllowed = false)
    {
        string text;
        try
        {
            // Strict: a body that is not UTF-8 is refused, never read with replacement characters and sent on.
            using var reader = new StreamReader(context.Request.Body, StrictUtf8, detectEncodingFromByteOrderMarks: false);
            text = await reader.ReadToEndAsync(context.RequestAborted);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiResults.BadRequest(context, "The body is not valid UTF-8 text."));
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return emptyAllowed ? (new JsonBody([]), null) : (null, ApiResults.BadRequest(context, "The request needs a JSON object body."));
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject value
                ? (new JsonBody(value), null)
                : (null, ApiResults.BadRequest(context, "The body must be a JSON object ({...})."));
        }
        catch (JsonException ex)
        {
            return (null, ApiResults.BadRequest(context, $"The body is not valid JSON: {ex.Message.Split(" Path:")[0].TrimEnd('.')} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})."));
        }
    }

    /// <summary>A string field; <paramref name="required"/> makes absence a problem.</summary>
    public string? String(string name, bool required = false, int maxLength = 4096)
    {
        if (!_object.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (required)
            {
                Fail(name, $"{name} is required.");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            Fail(name, $"{name} must be a string, not {Describe(node)}.");
            return null;
        }

        var value = node.GetValue<string>();
        if (value.Length > maxLength)
        {
            Fail(name, $"{name} is {value.Length} characters long; the limit is {maxLength}.");
        }

        return value;
    }

    /// <summary>A boolean field, or null when absent.</summary>
    public bool? Boolean(string name)
    {
        if (!_object.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return node.GetValue<bool>();
        }

        Fail(name, $"{name} must be true or false, not {Describe(node)}.");
        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="required"/> makes absence a problem.</summary>
    public long? Integer(string name, long min, long max, bool required = false)
    {
        if (!_object.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (required)
            {
                Fail(name, $"{name} is required.");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var value))
        {
            var given = node.GetValueKind() == JsonValueKind.Number ? node.ToJsonString() : Describe(node);
            Fail(name, $"{name} must be a whole number from {min} to {max}, not {given}.");
            return null;
        }

        if (value < min || value > max)
        {
            Fail(name, $"{name} is {value}; it must be from {min} to {max}.");
            return null;
        }

        return value;
    }

    /// <summary>A finite number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="required"/> makes absence a problem.</summary>
    public double? Number(string name, double min, double max, bool required = false)
    {
        if (!_object.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (required)
            {
                Fail(name, $"{name} is required.");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<double>(out var value) || !double.IsFinite(value))
        {
            Fail(name, $"{name} must be a number from {min} to {max}, not {(node.GetValueKind() == JsonValueKind.String ? "a string" : Describe(node))}.");
            return null;
        }

        if (value < min || value > max)
        {
            Fail(name, $"{name} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; it must be from {min} to {max}.");
            return null;
        }

        return value;
    }

    /// <summary>A JSON object field as compact JSON text, or null when absent; over <paramref name="maxBytes"/> UTF-8 bytes is a problem.</summary>
    public string? ObjectJson(string name, int maxBytes)
    {
        if (!_object.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node is not JsonObject value)
        {
            Fail(name, $"{name} must be a JSON object ({{...}}), not {Describe(node)}.");
            return null;
        }

        var json = value.ToJsonString();
        if (System.Text.Encoding.UTF8.GetByteCount(json) > maxBytes)
        {
            Fail(name, $"{name} is {System.Text.Encoding.UTF8.GetByteCount(json)} bytes of JSON; the limit is {maxBytes}.");
            return null;
        }

        return json;
    }

    /// <summary>A list of strings, or null when absent.</summary>
    public IReadOnlyList<string>? Strings(string name)
    {
        if (!_object.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node is not JsonArray array || array.Any(item => item is null || item.GetValueKind() != JsonValueKind.String))
        {
            Fail(name, $"{name} must be a list of strings.");
            return null;
        }

        return array.Select(item => item!.GetValue<string>()).ToList();
    }

    /// <summary>Records a problem with a field (the first one wins); in a nested object the field is named with its path (<c>state.handler</c>).</summary>
    public void Fail(string name, string message)
    {
        if (_parent is not null)
        {
            _parent.Fail(_prefix + name, message.StartsWith(name, StringComparison.Ordinal) ? _prefix + message : message);
            return;
        }

        _problem ??= (name, message);
    }

    /// <summary>An object field read the same way, its problems named with <c>name.field</c>; null when absent (or not an object: then that is the problem).</summary>
    public JsonBody? Object(string name)
    {
        if (!_object.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node is not JsonObject value)
        {
            Fail(name, $"{name} must be a JSON object ({{...}}), not {Describe(node)}.");
            return null;
        }

        return new JsonBody(value, this, name + ".");
    }

    /// <summary>The 400 answer for <see cref="Problem"/>, or null when there is none.</summary>
    public IResult? ErrorResult(HttpContext context) =>
        Problem is { } problem ? ApiResults.BadRequest(context, problem.Message, problem.Param) : null;

    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "that",
    };
}
