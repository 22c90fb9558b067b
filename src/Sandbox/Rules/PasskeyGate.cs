using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Protocol;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R12: accounts whose new companions must be confirmed with the user's passkey (since about 2026-06-30 WhatsApp asks
/// some accounts for it). After the scan, or the code's companion_finish, the server does not pair the companion: it sends
/// <c>&lt;notification type="passkey_prologue_request"&gt;&lt;passkey_request_options&gt;WebAuthn options JSON&lt;/…&gt;</c>
/// (the shape whatsmeow's pair-passkey.go reads). Only the user's own device can make the assertion the client must
/// answer with, and the sandbox's virtual phones hold no passkey, so a <c>passkey_prologue</c> answer is refused (and
/// counted as a breach of R12: an assertion no passkey of the account made). A per-account setting; thread-safe.
/// </summary>
public sealed class PasskeyGate(RuleBook rules)
{
    private readonly ConcurrentDictionary<string, bool> _gated = new(StringComparer.Ordinal);

    /// <summary>Whether linking a companion to <paramref name="phone"/> needs a passkey.</summary>
    public bool IsGated(string phone) => _gated.ContainsKey(phone);

    /// <summary>Turns passkey-gated linking on or off for <paramref name="phone"/>.</summary>
    public void Set(string phone, bool required)
    {
        if (required)
        {
            _gated[phone] = true;
        }
        else
        {
            _gated.TryRemove(phone, out _);
        }
    }

    /// <summary>The notification that asks the companion for the user's passkey.</summary>
    public static Node BuildPrologueRequest(string id, string timestamp)
    {
        var options = new JsonObject
        {
            ["challenge"] = Base64Url(RandomNumberGenerator.GetBytes(32)),
            ["timeout"] = 300000,
            ["rpId"] = "whatsapp.com",
            ["allowCredentials"] = new JsonArray(),
            ["userVerification"] = "required",
            ["extensions"] = new JsonObject(),
        };
        return new Node("notification", NodeAttributes.Of(("from", ServerNodes.ServerJid), ("type", "passkey_prologue_request"), ("id", id), ("t", timestamp)), [
            new Node("passkey_request_options", null, Encoding.UTF8.GetBytes(options.ToJsonString(new JsonSerializerOptions { WriteIndented = false }))),
        ]);
    }

    /// <summary>
    /// A companion answered the passkey request with a <c>passkey_prologue</c>: no passkey of the account made its
    /// assertion, so it is refused (error 401) and counted as a breach of R12 — in a lenient sandbox too, since there is no
    /// passkey to go on with.
    /// </summary>
    public Node RefusePrologue(Node iq, string client)
    {
        rules.Breach(ServerRule.R12, client, "answered a passkey request with an assertion the account's passkey did not make");
        return ServerNodes.Error(iq, 401, "not-authorized");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
