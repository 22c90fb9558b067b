using System.Text.Json.Serialization;

namespace WaEngine.Sandbox.Control;

/// <summary><c>GET /sandbox/info</c>.</summary>
public sealed record InfoResponse(
    [property: JsonPropertyName("ws_url")] string WsUrl,
    [property: JsonPropertyName("root_public_key")] string RootPublicKey,
    [property: JsonPropertyName("media_url")] string MediaUrl,
    [property: JsonPropertyName("media_ca_pem")] string MediaCaPem);

/// <summary><c>POST /sandbox/accounts</c> body.</summary>
public sealed record CreateAccountRequest(
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("push_name")] string? PushName,
    [property: JsonPropertyName("addressing")] string? Addressing);

/// <summary><c>POST /sandbox/accounts</c> answer.</summary>
public sealed record AccountCreated(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string Lid);

/// <summary>One row of <c>GET /sandbox/accounts</c>: its devices, and those of them that published keys (others can be paired but not yet written to).</summary>
public sealed record AccountView(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string Lid,
    [property: JsonPropertyName("devices")] IReadOnlyList<string> Devices,
    [property: JsonPropertyName("reachable")] IReadOnlyList<string> Reachable,
    [property: JsonPropertyName("online")] IReadOnlyList<string> Online);

/// <summary><c>POST /sandbox/accounts/{phone}/scan</c> body.</summary>
public sealed record ScanRequest([property: JsonPropertyName("qr")] string? Qr);

/// <summary><c>POST /sandbox/accounts/{phone}/link-code</c> body.</summary>
public sealed record LinkCodeRequest([property: JsonPropertyName("code")] string? Code);

/// <summary><c>POST /sandbox/faults</c> body.</summary>
public sealed record FaultRequest(
    [property: JsonPropertyName("device_jid")] string? DeviceJid,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("code")] System.Text.Json.JsonElement? Code,
    [property: JsonPropertyName("ms")] int? Ms,
    [property: JsonPropertyName("count")] int? Count)
{
    /// <summary>The code as text whether it was sent as a JSON number (515) or string ("conflict").</summary>
    public string? CodeText => Code?.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => Code.Value.GetString(),
        System.Text.Json.JsonValueKind.Number => Code.Value.GetRawText(),
        _ => null,
    };
}

/// <summary><c>POST /sandbox/accounts/{phone}/messages</c> body: a text, a WhatsApp Message as protobuf JSON or as base64 protobuf bytes, media, or a vote.</summary>
public sealed record PhoneSendRequest(
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("message")] System.Text.Json.Nodes.JsonNode? Message)
{
    /// <summary>A file the phone sends as an image, video, audio, document or sticker message (instead of text or message).</summary>
    [JsonPropertyName("media")]
    public Media.PhoneMediaRequest? Media { get; init; }

    /// <summary>
    /// A WhatsApp Message as protobuf bytes in base64 (instead of text or message): fields the sandbox's protobufs do not
    /// name — a kind WhatsApp added later — go through as they are.
    /// </summary>
    [JsonPropertyName("message_base64")]
    public string? MessageBase64 { get; init; }

    /// <summary>A vote on a poll the phone sent or received (instead of text, message or media).</summary>
    [JsonPropertyName("vote")]
    public PhoneVoteRequest? Vote { get; init; }

    /// <summary>
    /// Deliver the message to the recipient's companions as <c>&lt;unavailable&gt;</c> (SERVER-RULES R15): <c>true</c>,
    /// or the unavailable type (e.g. <c>"view_once_unavailable_fanout"</c>). Its phone still gets it and resends it.
    /// </summary>
    [JsonPropertyName("unavailable")]
    public System.Text.Json.JsonElement? Unavailable { get; init; }
}

/// <summary><c>POST /sandbox/accounts/{phone}/receipts</c> body.</summary>
public sealed record PhoneReceiptsRequest(
    [property: JsonPropertyName("msg_ids")] IReadOnlyList<string>? MsgIds,
    [property: JsonPropertyName("type")] string? Type);

/// <summary>
/// <c>GET /sandbox/rules</c>: whether the sandbox refuses rule breaches, how often each rule was broken since it started,
/// and the well-shaped nacks clients sent, by code (R7).
/// </summary>
public sealed record RulesView(
    [property: JsonPropertyName("strict")] bool Strict,
    [property: JsonPropertyName("breaches")] IReadOnlyDictionary<string, long> Breaches,
    [property: JsonPropertyName("nacks")] IReadOnlyDictionary<string, long> Nacks);

/// <summary>An account's hosted (Cloud API) device (R4): its JIDs and the ids of the messages that reached it.</summary>
public sealed record HostedDeviceView(
    [property: JsonPropertyName("device_jid")] string DeviceJid,
    [property: JsonPropertyName("lid_device_jid")] string LidDeviceJid,
    [property: JsonPropertyName("received")] IReadOnlyList<string> Received);
