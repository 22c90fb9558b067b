using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using WaEngine.Proto;

namespace WaEngine.Engine.Messaging.Kinds;

/// <summary>
/// A <see cref="Message"/> as JSON: protobuf JSON for every field our schema knows, and for each top-level field it does
/// not (a kind the engine does not parse) a property under the field's WhatsApp name holding its decoded wire content —
/// keys are field numbers, values numbers, text, nested objects, or base64 for bytes that are neither.
/// </summary>
public static class MessageJson
{
    private const int MaxDepth = 8;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The message as a JSON object.</summary>
    public static JsonObject ToJson(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var json = (JsonObject)JsonNode.Parse(JsonFormatter.Default.Format(message))!;
        var input = new CodedInputStream(message.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            if (Message.Descriptor.FindFieldByNumber(number) is not null)
            {
                input.SkipLastField();
                continue;
            }

            var name = MessageKinds.NameOf(number) ?? "field" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Add(json, name, ReadValue(input, tag, 0));
        }

        return json;
    }

    /// <summary>The message as compact JSON text.</summary>
    public static string Format(Message message) => ToJson(message).ToJsonString();

    private static void Add(JsonObject json, string name, JsonNode? value)
    {
        if (!json.TryGetPropertyValue(name, out var existing))
        {
            json[name] = value;
            return;
        }

        // A repeated field: the values gather in a list.
        if (existing is JsonArray list)
        {
            list.Add(value);
            return;
        }

        json.Remove(name);
        json[name] = new JsonArray(existing, value);
    }

    private static JsonNode? ReadValue(CodedInputStream input, uint tag, int depth) => WireFormat.GetTagWireType(tag) switch
    {
        WireFormat.WireType.Varint => JsonValue.Create(input.ReadUInt64()),
        WireFormat.WireType.Fixed64 => JsonValue.Create(input.ReadFixed64()),
        WireFormat.WireType.Fixed32 => JsonValue.Create(input.ReadFixed32()),
        WireFormat.WireType.LengthDelimited => Decode(input.ReadBytes().ToByteArray(), depth),
        _ => Skip(input),
    };

    private static JsonNode? Skip(CodedInputStream input)
    {
        input.SkipLastField();
        return null;
    }

    private static JsonNode Decode(byte[] bytes, int depth)
    {
        if (IsText(bytes))
        {
            return JsonValue.Create(StrictUtf8.GetString(bytes));
        }

        if (depth < MaxDepth && TryDecodeMessage(bytes, depth + 1) is { } nested)
        {
            return nested;
        }

        return JsonValue.Create(Convert.ToBase64String(bytes));
    }

    private static JsonObject? TryDecodeMessage(byte[] bytes, int depth)
    {
        try
        {
            var json = new JsonObject();
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var wire = WireFormat.GetTagWireType(tag);
                if (wire is not (WireFormat.WireType.Varint or WireFormat.WireType.Fixed64 or WireFormat.WireType.LengthDelimited or WireFormat.WireType.Fixed32))
                {
                    return null;
                }

                Add(json, WireFormat.GetTagFieldNumber(tag).ToString(System.Globalization.CultureInfo.InvariantCulture), ReadValue(input, tag, depth));
            }

            return json.Count == 0 ? null : json;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static bool IsText(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return true;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                return false;
            }
        }

        return true;
    }
}
