using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using WaEngine.Sandbox.Pairing;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Pairing;

/// <summary>The virtual phone's side of the ADV exchange, against Baileys as the companion (tests/interop/pairing-peer.mjs).</summary>
public class PrimaryAdvIdentityTests
{
    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    [Fact]
    public async Task Baileys_accepts_our_pair_success_and_we_accept_its_counter_signature()
    {
        var account = Curve25519.GenerateKeyPair();
        var companion = Curve25519.GenerateKeyPair();
        var adv = RandomNumberGenerator.GetBytes(32);
        var pairSuccess = PrimaryAdvIdentity.CreatePairSuccess(account, companion.PublicKey, adv, 1, DateTimeOffset.UtcNow);

        await using var peer = NodeProcess.Start("pairing-peer.mjs");
        var answer = await peer.CallAsync(new JsonObject
        {
            ["op"] = "configure-pairing",
            ["identity"] = Hex(pairSuccess),
            ["adv"] = Hex(adv),
            ["identityPub"] = Hex(companion.PublicKey),
            ["identityPriv"] = Hex(companion.PrivateKey),
        });
        Assert.Equal("1", answer["keyIndex"]!.GetValue<string>());
        var reply = Convert.FromHexString(answer["reply"]!.GetValue<string>());
        Assert.Equal(1u, PrimaryAdvIdentity.VerifyDeviceSignature(reply, account.PublicKey, companion.PublicKey).KeyIndex);

        var forged = PrimaryAdvIdentity.CreatePairSuccess(account, companion.PublicKey, RandomNumberGenerator.GetBytes(32), 1, DateTimeOffset.UtcNow);
        var refusal = await Assert.ThrowsAsync<NodePeerException>(() => peer.CallAsync(new JsonObject
        {
            ["op"] = "configure-pairing",
            ["identity"] = Hex(forged),
            ["adv"] = Hex(adv),
            ["identityPub"] = Hex(companion.PublicKey),
            ["identityPriv"] = Hex(companion.PrivateKey),
        }));
        Assert.Contains("Invalid account signature", refusal.Message);
    }
}
