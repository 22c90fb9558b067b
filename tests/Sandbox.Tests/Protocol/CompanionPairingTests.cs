using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Protocol;

/// <summary>Pairing by QR with the engine's own companion steps over the in-memory transport; Baileys does the same in Interop/BaileysPairingTests.</summary>
public class CompanionPairingTests
{
    [Fact]
    public async Task A_scanned_companion_gets_pair_success_is_recorded_and_restarted_and_its_refs_are_spent()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.CreateAccountAsync("15550001111");
        var noiseKey = Curve25519.GenerateKeyPair();
        var identity = Curve25519.GenerateKeyPair();
        var signedPreKey = Curve25519.GenerateKeyPair();
        var payload = new ClientPayloadBuilder(new ClientPayloadOptions()).BuildRegistration(new ClientPayloadRegistration(
            99, identity.PublicKey, 1, signedPreKey.PublicKey, Curve25519.Sign(identity.PrivateKey, signedPreKey.SignalPublicKey)));

        await using var companion = await InMemoryClient.ConnectAsync(sandbox, Google.Protobuf.MessageExtensions.ToByteArray(payload), noiseKey);
        var pairDevice = (await companion.ReceiveAsync()).RequiredChild("pair-device");
        var refs = pairDevice.ChildrenNamed("ref").Select(r => Encoding.ASCII.GetString(r.ContentBytes().Span)).ToList();
        Assert.Equal(6, refs.Count);
        Assert.All(refs, r => Assert.StartsWith("2@", r));

        var adv = RandomNumberGenerator.GetBytes(32);
        var qr = new QrPairingData(refs[2], noiseKey.PublicKey, identity.PublicKey, adv, "1").ToString();
        var scan = sandbox.Runtime.Network.ScanAsync("15550001111", qr, CancellationToken.None);
        var iq = await companion.ReceiveAsync();
        var success = iq.RequiredChild("pair-success");
        var (_, details, reply) = AdvIdentity.VerifyAndCounterSign(success.RequiredChild("device-identity").ContentBytes().Span, adv, identity);
        Assert.Equal("15550001111:1@s.whatsapp.net", success.RequiredChild("device").Attr("jid"));
        await companion.Connection.SendAsync(BinaryEncoder.Encode(ConnectionStanzas.BuildPairDeviceSign(iq.Attr("id")!, details.KeyIndex, reply)), InMemoryClient.Timeout());

        Assert.Equal("15550001111:1@s.whatsapp.net", await scan.WaitAsync(TimeSpan.FromSeconds(10)));
        var restart = await companion.ReceiveAsync();
        Assert.Equal("stream:error", restart.Tag);
        Assert.Equal("515", restart.Attr("code"));
        Assert.Contains((await sandbox.Runtime.Accounts.FindAsync("15550001111", CancellationToken.None))!.Devices, d => d.DeviceId == 1);

        var again = await Assert.ThrowsAsync<SandboxInputException>(() => sandbox.Runtime.Network.ScanAsync("15550001111", qr, CancellationToken.None));
        Assert.Equal(404, again.StatusCode);
        Assert.Equal("qr", again.Param);
    }

    [Fact]
    public async Task Unlinking_the_phone_itself_or_a_device_of_an_unknown_account_is_refused()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.CreateAccountAsync("15550001111");

        var phoneItself = await Assert.ThrowsAsync<SandboxInputException>(() => sandbox.Runtime.Network.RemoveDeviceAsync("15550001111", 0, CancellationToken.None));
        Assert.Equal((400, "device"), (phoneItself.StatusCode, phoneItself.Param));
        var unknown = await Assert.ThrowsAsync<SandboxInputException>(() => sandbox.Runtime.Network.RemoveDeviceAsync("15550009999", 1, CancellationToken.None));
        Assert.Equal((404, "phone"), (unknown.StatusCode, unknown.Param));
        Assert.False(await sandbox.Runtime.Network.RemoveDeviceAsync("15550001111", 4, CancellationToken.None));
    }
}
