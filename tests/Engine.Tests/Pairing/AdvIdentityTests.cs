using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Sandbox.Pairing;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Pairing;

/// <summary>The companion's side of the ADV exchange; the sandbox's virtual phone (<see cref="PrimaryAdvIdentity"/>) and Baileys play the primary.</summary>
public class AdvIdentityTests
{
    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    [Fact]
    public void Our_companion_accepts_our_primary_and_the_primary_accepts_the_counter_signature()
    {
        var account = Curve25519.GenerateKeyPair();
        var companion = Curve25519.GenerateKeyPair();
        var adv = RandomNumberGenerator.GetBytes(32);

        var pairSuccess = PrimaryAdvIdentity.CreatePairSuccess(account, companion.PublicKey, adv, 2, DateTimeOffset.UtcNow);
        var (kept, details, reply) = AdvIdentity.VerifyAndCounterSign(pairSuccess, adv, companion);

        Assert.Equal(2u, details.KeyIndex);
        Assert.Equal(account.PublicKey, kept.AccountSignatureKey.ToByteArray());
        Assert.Equal(2u, PrimaryAdvIdentity.VerifyDeviceSignature(reply, account.PublicKey, companion.PublicKey).KeyIndex);
        Assert.Throws<PairingException>(() => PrimaryAdvIdentity.VerifyDeviceSignature(reply, account.PublicKey, Curve25519.GenerateKeyPair().PublicKey));
    }

    [Fact]
    public void A_forged_pair_success_is_refused_with_the_check_that_failed()
    {
        var account = Curve25519.GenerateKeyPair();
        var companion = Curve25519.GenerateKeyPair();
        var adv = RandomNumberGenerator.GetBytes(32);

        var wrongSecret = PrimaryAdvIdentity.CreatePairSuccess(account, companion.PublicKey, RandomNumberGenerator.GetBytes(32), 1, DateTimeOffset.UtcNow);
        Assert.Contains("hmac-mismatch", Assert.Throws<PairingException>(() => AdvIdentity.VerifyAndCounterSign(wrongSecret, adv, companion)).Message);

        var signedForSomeoneElse = PrimaryAdvIdentity.CreatePairSuccess(account, Curve25519.GenerateKeyPair().PublicKey, adv, 1, DateTimeOffset.UtcNow);
        Assert.Contains("signature-mismatch", Assert.Throws<PairingException>(() => AdvIdentity.VerifyAndCounterSign(signedForSomeoneElse, adv, companion)).Message);

        Assert.Contains("not a valid ADV protobuf", Assert.Throws<PairingException>(() => AdvIdentity.VerifyAndCounterSign([0xFF, 0xFF, 0xFF], adv, companion)).Message);
    }

    [Fact]
    public async Task We_accept_a_baileys_built_pair_success_and_baileys_accepts_our_counter_signature()
    {
        var companion = Curve25519.GenerateKeyPair();
        var adv = RandomNumberGenerator.GetBytes(32);
        await using var peer = NodeProcess.Start("pairing-peer.mjs");
        var made = await peer.CallAsync(new JsonObject { ["op"] = "make-pair-success", ["adv"] = Hex(adv), ["companionIdentity"] = Hex(companion.PublicKey) });

        var (kept, details, reply) = AdvIdentity.VerifyAndCounterSign(Convert.FromHexString(made["identity"]!.GetValue<string>()), adv, companion);
        Assert.Equal(3u, details.KeyIndex);
        Assert.Equal(made["account"]!.GetValue<string>(), Hex(kept.AccountSignatureKey.Span));

        var check = await peer.CallAsync(new JsonObject { ["op"] = "check-device-signature", ["reply"] = Hex(reply), ["companionIdentity"] = Hex(companion.PublicKey) });
        Assert.True(check["valid"]!.GetValue<bool>());
        Assert.False(check["hasAccountKey"]!.GetValue<bool>());
    }
}
