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

/// <summary>One row of <c>GET /sandbox/accounts</c>.</summary>
public sealed record AccountView(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string Lid,
    [property: JsonPropertyName("devices")] IReadOnlyList<string> Devices);

/// <summary><c>POST /sandbox/accounts/{phone}/scan</c> body.</summary>
public sealed record ScanRequest([property: JsonPropertyName("qr")] string? Qr);

/// <summary><c>POST /sandbox/accounts/{phone}/link-code</c> body.</summary>
public sealed record LinkCodeRequest([property: JsonPropertyName("code")] string? Code);
