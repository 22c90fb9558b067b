using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Sandbox.Pairing;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Pairing;

/// <summary>The virtual phone's side of pairing by code, against Baileys as the companion (tests/interop/pairing-peer.mjs).</summary>
public class PrimaryLinkCodeTests
{
    [Fact]
    public async Task Our_primary_pairs_with_baileys_as_the_companion()
    {
        var code = PairingCode.Generate();
        var primaryIdentity = Curve25519.GenerateKeyPair();
        var primaryEphemeral = Curve25519.GenerateKeyPair();
        await using var peer = NodeProcess.Start("pairing-peer.mjs");

        var hello = await peer.CallAsync(new JsonObject { ["op"] = "companion-hello", ["code"] = code });
        var companionEphemeral = LinkCodeCrypto.UnwrapEphemeral(code, Convert.FromHexString(hello["wrapped"]!.GetValue<string>()));
        var companionIdentity = Convert.FromHexString(hello["identity"]!.GetValue<string>());

        var finish = await peer.CallAsync(new JsonObject
        {
            ["op"] = "companion-finish",
            ["wrappedPrimary"] = Convert.ToHexStringLower(LinkCodeCrypto.WrapEphemeral(code, primaryEphemeral.PublicKey)),
            ["primaryIdentity"] = Convert.ToHexStringLower(primaryIdentity.PublicKey),
        });
        var bundle = Convert.FromHexString(finish["bundle"]!.GetValue<string>());
        var adv = PrimaryLinkCode.OpenBundle(primaryIdentity, primaryEphemeral, companionEphemeral, companionIdentity, bundle);
        Assert.Equal(finish["adv"]!.GetValue<string>(), Convert.ToHexStringLower(adv));

        var otherIdentity = Curve25519.GenerateKeyPair().PublicKey;
        Assert.Contains("another companion identity",
            Assert.Throws<PairingException>(() => PrimaryLinkCode.OpenBundle(primaryIdentity, primaryEphemeral, companionEphemeral, otherIdentity, bundle)).Message);
        bundle[^1] ^= 1;
        Assert.Contains("does not decrypt",
            Assert.Throws<PairingException>(() => PrimaryLinkCode.OpenBundle(primaryIdentity, primaryEphemeral, companionEphemeral, companionIdentity, bundle)).Message);
    }
}
