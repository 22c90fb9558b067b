using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Connection;

/// <summary>Builders for the connection-level stanzas a companion sends (PROTOCOL-MAP §5–§7).</summary>
public static class ConnectionStanzas
{
    /// <summary>The server JID as Baileys writes it: a JID pair with an empty user.</summary>
    public const string ServerJid = "@s.whatsapp.net";

    /// <summary><c>&lt;iq id to type xmlns&gt;children&lt;/iq&gt;</c>.</summary>
    public static Node BuildIq(string id, string type, string xmlns, params Node[] children) =>
        new("iq", NodeAttributes.Of(("id", id), ("to", ServerJid), ("type", type), ("xmlns", xmlns)), children);

    /// <summary>The empty result answering a server iq.</summary>
    public static Node BuildIqResult(string id) => new("iq", NodeAttributes.Of(("id", id), ("to", ServerJid), ("type", "result")));

    /// <summary>An error answering a server iq (e.g. 401 hmac-mismatch).</summary>
    public static Node BuildIqError(string id, int code, string text) =>
        new("iq", NodeAttributes.Of(("id", id), ("to", ServerJid), ("type", "error")),
            [new Node("error", NodeAttributes.Of(("code", code.ToString(CultureInfo.InvariantCulture)), ("text", text)))]);

    /// <summary>Keepalive: <c>&lt;iq xmlns=w:p type=get&gt;&lt;ping/&gt;&lt;/iq&gt;</c>.</summary>
    public static Node BuildPing(string id) => BuildIq(id, "get", "w:p", new Node("ping"));

    /// <summary>Asks how many one-time prekeys the server holds.</summary>
    public static Node BuildPreKeyCount(string id) => BuildIq(id, "get", "encrypt", new Node("count"));

    /// <summary>Our own presence: available (online) or unavailable, with our push name when we have one (the references always send one).</summary>
    public static Node BuildPresence(bool available, string? pushName) => pushName is { Length: > 0 } name
        ? new("presence", NodeAttributes.Of(("name", name.Replace("@", "", StringComparison.Ordinal)), ("type", available ? "available" : "unavailable")))
        : new("presence", NodeAttributes.Of(("type", available ? "available" : "unavailable")));

    /// <summary>Leaves passive mode after login (the server then delivers the offline queue).</summary>
    public static Node BuildPassiveActive(string id) => BuildIq(id, "set", "passive", new Node("active"));

    /// <summary>Logout from the companion: asks the server to remove this device.</summary>
    public static Node BuildRemoveCompanionDevice(string id, string ownJid) =>
        BuildIq(id, "set", "md", new Node("remove-companion-device", NodeAttributes.Of(("jid", ownJid), ("reason", "user_initiated"))));

    /// <summary>Uploads one-time prekeys with the identity and the signed prekey.</summary>
    public static Node BuildPreKeyUpload(string id, uint registrationId, byte[] identityPublic, IReadOnlyList<PreKeyRecord> preKeys, SignedPreKeyRecord signedPreKey)
    {
        ArgumentNullException.ThrowIfNull(preKeys);
        ArgumentNullException.ThrowIfNull(signedPreKey);
        var keys = new Node[preKeys.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new Node("key", null, [new Node("id", null, Id24(preKeys[i].Id).AsMemory()), new Node("value", null, preKeys[i].KeyPair.PublicKey)]);
        }

        return BuildIq(id, "set", "encrypt",
            new Node("registration", null, new byte[] { (byte)(registrationId >> 24), (byte)(registrationId >> 16), (byte)(registrationId >> 8), (byte)registrationId }),
            new Node("type", null, new byte[] { 0x05 }),
            new Node("identity", null, identityPublic),
            new Node("list", null, keys),
            new Node("skey", null, [
                new Node("id", null, Id24(signedPreKey.Id)),
                new Node("value", null, signedPreKey.KeyPair.PublicKey),
                new Node("signature", null, signedPreKey.Signature),
            ]));
    }

    /// <summary>Phone-code pairing stage 1 (companion_hello).</summary>
    public static Node BuildCompanionHello(string id, string phoneJid, byte[] wrappedEphemeral, byte[] noisePublic, string platformId, string platformDisplay) =>
        BuildIq(id, "set", "md", new Node("link_code_companion_reg",
            NodeAttributes.Of(("jid", phoneJid), ("stage", "companion_hello"), ("should_show_push_notification", "true")), [
                new Node("link_code_pairing_wrapped_companion_ephemeral_pub", null, wrappedEphemeral),
                new Node("companion_server_auth_key_pub", null, noisePublic),
                new Node("companion_platform_id", null, platformId),
                new Node("companion_platform_display", null, platformDisplay),
                new Node("link_code_pairing_nonce", null, "0"),
            ]));

    /// <summary>Phone-code pairing stage 3 (companion_finish).</summary>
    public static Node BuildCompanionFinish(string id, string phoneJid, byte[] wrappedBundle, byte[] identityPublic, ReadOnlyMemory<byte> pairingRef) =>
        BuildIq(id, "set", "md", new Node("link_code_companion_reg", NodeAttributes.Of(("jid", phoneJid), ("stage", "companion_finish")), [
            new Node("link_code_pairing_wrapped_key_bundle", null, wrappedBundle),
            new Node("companion_identity_public", null, identityPublic),
            new Node("link_code_pairing_ref", null, pairingRef),
        ]));

    /// <summary>The pair-success answer carrying our counter-signed device identity.</summary>
    public static Node BuildPairDeviceSign(string id, uint keyIndex, byte[] signedIdentity) =>
        new("iq", NodeAttributes.Of(("id", id), ("to", ServerJid), ("type", "result")), [
            new Node("pair-device-sign", null, [
                new Node("device-identity", NodeAttributes.Of(("key-index", keyIndex.ToString(CultureInfo.InvariantCulture))), signedIdentity),
            ]),
        ]);

    private static byte[] Id24(uint id) => [(byte)(id >> 16), (byte)(id >> 8), (byte)id];
}
