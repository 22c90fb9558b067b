using System.Text;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Tests.Signal;

/// <summary>Sender keys against Baileys' GroupCipher and GroupSessionBuilder (lib/Signal/Group), both ways.</summary>
public sealed class GroupInteropTests
{
    private const string Group = "120363000000000001@g.us";

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static string String(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public async Task BaileysDecryptsOurGroupMessagesAndLateJoinerReadsFromItsSkdm()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        var early = new List<byte[]>();
        var skdm = await us.GroupDistributionAsync(Group);
        for (var i = 0; i < 3; i++)
        {
            early.Add(await us.GroupEncryptAsync(Group, Text("early " + i)));
        }

        var late = await us.GroupDistributionAsync(Group);
        Assert.NotEqual(Convert.ToHexString(skdm), Convert.ToHexString(late));
        await peer.GroupProcessAsync(Group, us.Address, late);
        for (var i = 0; i < 5; i++)
        {
            var message = await us.GroupEncryptAsync(Group, Text("after join " + i));
            Assert.Equal("after join " + i, String(await peer.GroupDecryptAsync(Group, us.Address, message)));
        }

        await Assert.ThrowsAsync<TestKit.NodePeerException>(() => peer.GroupDecryptAsync(Group, us.Address, early[0]));
    }

    [Fact]
    public async Task WeDecryptBaileysGroupMessagesIncludingItsSkippedIterations()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        var skdm = await peer.GroupCreateAsync(Group);
        await us.GroupProcessAsync(Group, peer.Address, skdm);
        var messages = new List<byte[]>();
        for (var i = 0; i < 6; i++)
        {
            messages.Add(await peer.GroupEncryptAsync(Group, Text("from baileys " + i)));
        }

        Assert.Equal("from baileys 0", String(await us.GroupDecryptAsync(Group, peer.Address, messages[0])));
        for (var i = 5; i >= 1; i--)
        {
            Assert.Equal("from baileys " + i, String(await us.GroupDecryptAsync(Group, peer.Address, messages[i])));
        }

        var duplicate = await Assert.ThrowsAsync<SignalException>(() => us.GroupDecryptAsync(Group, peer.Address, messages[3]));
        Assert.Equal(SignalErrorKind.Duplicate, duplicate.Kind);
    }

    [Fact]
    public async Task WeJoinLateFromBaileysSkdm()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await peer.GroupCreateAsync(Group);
        var missed = await peer.GroupEncryptAsync(Group, Text("before you joined"));
        await peer.GroupEncryptAsync(Group, Text("also before"));
        var skdm = await peer.GroupCreateAsync(Group);
        await us.GroupProcessAsync(Group, peer.Address, skdm);
        var message = await peer.GroupEncryptAsync(Group, Text("welcome"));
        Assert.Equal("welcome", String(await us.GroupDecryptAsync(Group, peer.Address, message)));

        var old = await Assert.ThrowsAsync<SignalException>(() => us.GroupDecryptAsync(Group, peer.Address, missed));
        Assert.Equal(SignalErrorKind.Duplicate, old.Kind);
    }

    [Fact]
    public async Task TamperedGroupMessageFailsSignature()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await us.GroupProcessAsync(Group, peer.Address, await peer.GroupCreateAsync(Group));
        var message = await peer.GroupEncryptAsync(Group, Text("signed"));
        message[5] ^= 1;
        var error = await Assert.ThrowsAsync<SignalException>(() => us.GroupDecryptAsync(Group, peer.Address, message));
        Assert.True(error.Kind is SignalErrorKind.InvalidSignature or SignalErrorKind.InvalidMessage or SignalErrorKind.NoSession, error.Kind.ToString());
    }
}
