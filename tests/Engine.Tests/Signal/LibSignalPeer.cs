using System.Text.Json.Nodes;
using WaEngine.Engine.Signal;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Signal;

/// <summary>Typed calls to tests/interop/signal-peer.mjs: one libsignal party and Baileys' group cipher.</summary>
internal sealed class LibSignalPeer : IAsyncDisposable
{
    private readonly NodeProcess _process;

    private LibSignalPeer(NodeProcess process, SignalAddress address)
    {
        _process = process;
        Address = address;
    }

    public SignalAddress Address { get; }

    public PreKeyBundle Bundle { get; private set; } = null!;

    public static async Task<LibSignalPeer> StartAsync(string name = "peer", uint device = 0)
    {
        var peer = new LibSignalPeer(NodeProcess.Start("signal-peer.mjs"), new SignalAddress(name, device));
        await peer.ResetAsync();
        return peer;
    }

    /// <summary>A fresh install: new identity and prekeys, no sessions.</summary>
    public async Task ResetAsync()
    {
        var answer = await CallAsync(new JsonObject { ["op"] = "init" });
        Bundle = ParseBundle(answer["bundle"]!, Address.DeviceId);
    }

    public async Task<PreKeyBundle> NextBundleAsync() =>
        ParseBundle((await CallAsync(new JsonObject { ["op"] = "bundle" }))["bundle"]!, Address.DeviceId);

    public Task ProcessBundleAsync(SignalAddress ours, PreKeyBundle bundle)
    {
        var json = new JsonObject
        {
            ["registrationId"] = bundle.RegistrationId,
            ["identityKey"] = Hex(bundle.IdentityKey),
            ["signedPreKeyId"] = bundle.SignedPreKeyId,
            ["signedPreKey"] = Hex(bundle.SignedPreKey),
            ["signature"] = Hex(bundle.SignedPreKeySignature),
        };
        if (bundle.PreKey is not null)
        {
            json["preKeyId"] = bundle.PreKeyId;
            json["preKey"] = Hex(bundle.PreKey);
        }

        return CallAsync(new JsonObject { ["op"] = "process-bundle", ["address"] = Json(ours), ["bundle"] = json });
    }

    public async Task<(SignalMessageType Type, byte[] Ciphertext)> EncryptAsync(SignalAddress to, byte[] plaintext)
    {
        var answer = await CallAsync(new JsonObject { ["op"] = "encrypt", ["address"] = Json(to), ["plaintext"] = Hex(plaintext) });
        var type = answer["type"]!.GetValue<string>() == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper;
        return (type, Bytes(answer["ciphertext"]));
    }

    public async Task<byte[]> DecryptAsync(SignalAddress from, SignalMessageType type, byte[] ciphertext)
    {
        var answer = await CallAsync(new JsonObject
        {
            ["op"] = "decrypt",
            ["address"] = Json(from),
            ["type"] = type == SignalMessageType.PreKey ? "pkmsg" : "msg",
            ["ciphertext"] = Hex(ciphertext),
        });
        return Bytes(answer["plaintext"]);
    }

    public async Task<byte[]> GroupCreateAsync(string group) =>
        Bytes((await CallAsync(new JsonObject { ["op"] = "group-create", ["group"] = group, ["me"] = Json(Address) }))["skdm"]);

    public Task GroupProcessAsync(string group, SignalAddress sender, byte[] skdm) =>
        CallAsync(new JsonObject { ["op"] = "group-process", ["group"] = group, ["sender"] = Json(sender), ["skdm"] = Hex(skdm) });

    public async Task<byte[]> GroupEncryptAsync(string group, byte[] plaintext) =>
        Bytes((await CallAsync(new JsonObject
        {
            ["op"] = "group-encrypt", ["group"] = group, ["me"] = Json(Address), ["plaintext"] = Hex(plaintext),
        }))["ciphertext"]);

    public async Task<byte[]> GroupDecryptAsync(string group, SignalAddress sender, byte[] ciphertext) =>
        Bytes((await CallAsync(new JsonObject
        {
            ["op"] = "group-decrypt", ["group"] = group, ["sender"] = Json(sender), ["ciphertext"] = Hex(ciphertext),
        }))["plaintext"]);

    public async Task<bool> VerifySignedPreKeyAsync(PreKeyBundle bundle) =>
        (await CallAsync(new JsonObject
        {
            ["op"] = "verify-signed-prekey",
            ["identityKey"] = Hex(bundle.IdentityKey),
            ["signedPreKey"] = Hex(bundle.SignedPreKey),
            ["signature"] = Hex(bundle.SignedPreKeySignature),
        }))["ok"]!.GetValue<bool>();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private Task<JsonNode> CallAsync(JsonObject request) => _process.CallAsync(request);

    private static JsonObject Json(SignalAddress address) => new() { ["name"] = address.Name, ["device"] = address.DeviceId };

    private static PreKeyBundle ParseBundle(JsonNode node, uint device)
    {
        var hasOneTime = node["preKey"] is not null;
        return new PreKeyBundle(
            node["registrationId"]!.GetValue<uint>(),
            device,
            Bytes(node["identityKey"]),
            node["signedPreKeyId"]!.GetValue<uint>(),
            Bytes(node["signedPreKey"]),
            Bytes(node["signature"]),
            hasOneTime ? node["preKeyId"]!.GetValue<uint>() : null,
            hasOneTime ? Bytes(node["preKey"]) : null);
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Bytes(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());
}
