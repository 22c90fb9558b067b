using Google.Protobuf;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Control;

/// <summary>Builds the Message a virtual phone sends from a control-API request.</summary>
internal static class PhoneMessages
{
    private const int MaxText = 65_536;
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    /// <summary>The <c>unavailable</c> flag of a phone's send: null (absent or false), "" (true: no type) or the type.</summary>
    public static string? UnavailableType(System.Text.Json.JsonElement? flag) => flag?.ValueKind switch
    {
        null or System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.False => null,
        System.Text.Json.JsonValueKind.True => "",
        System.Text.Json.JsonValueKind.String when flag.Value.GetString() is { Length: > 0 and <= 64 } type && type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') => type,
        _ => throw new SandboxInputException("unavailable must be true, false or an unavailable type such as \"view_once_unavailable_fanout\".", 400, "unavailable"),
    };

    /// <summary>The largest <c>message_base64</c> the phone sends, decoded.</summary>
    private const int MaxRawBytes = 65_536;

    /// <summary>A message from its protobuf bytes in base64, unknown fields kept; refused unless it holds at least one field.</summary>
    public static Message FromBase64(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new SandboxInputException("message_base64 is not base64.", 400, "message_base64");
        }

        if (bytes.Length is 0 or > MaxRawBytes)
        {
            throw new SandboxInputException($"message_base64 must decode to 1 to {MaxRawBytes} bytes.", 400, "message_base64");
        }

        try
        {
            return Message.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new SandboxInputException($"message_base64 is not a protobuf message: {ex.Message}", 400, "message_base64");
        }
    }

    /// <summary>A text message, or the given protobuf JSON; exactly one of them.</summary>
    public static Message Build(string? text, System.Text.Json.Nodes.JsonNode? message)
    {
        if ((text is null) == (message is null))
        {
            throw new SandboxInputException("Give exactly one of text or message.", 400, text is null ? "text" : "message");
        }

        if (text is not null)
        {
            return text.Length is 0 or > MaxText
                ? throw new SandboxInputException($"text must have 1 to {MaxText} characters.", 400, "text")
                : new Message { Conversation = text };
        }

        try
        {
            var parsed = Parser.Parse<Message>(message!.ToJsonString());
            if (WaEngine.Engine.Messaging.MessageContent.PollOf(parsed) is not null && parsed.MessageContextInfo?.MessageSecret is not { Length: > 0 })
            {
                // A poll is voted on with its message secret: the phone makes one as WhatsApp clients do.
                parsed.MessageContextInfo ??= new MessageContextInfo();
                parsed.MessageContextInfo.MessageSecret = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            }

            return parsed;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new SandboxInputException($"message is not a WhatsApp Message in protobuf JSON: {ex.Message}", 400, "message");
        }
    }
}
