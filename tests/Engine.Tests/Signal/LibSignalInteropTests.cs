using System.Text;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Signal;

/// <summary>Pairwise sessions against npm libsignal 6.0.0 (the Signal stack Baileys 7 uses), both directions.</summary>
public sealed class LibSignalInteropTests
{
    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static string String(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public async Task OurPreKeyMessageOpensSessionInLibsignal()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await us.StartSessionAsync(peer.Address, peer.Bundle);

        var first = await us.EncryptAsync(peer.Address, Text("hello libsignal"));
        Assert.Equal(SignalMessageType.PreKey, first.Type);
        Assert.Equal("hello libsignal", String(await peer.DecryptAsync(us.Address, first.Type, first.Ciphertext)));
        var second = await us.EncryptAsync(peer.Address, Text("still pkmsg"));
        Assert.Equal(SignalMessageType.PreKey, second.Type);
        Assert.Equal("still pkmsg", String(await peer.DecryptAsync(us.Address, second.Type, second.Ciphertext)));

        var (type, reply) = await peer.EncryptAsync(us.Address, Text("hi from node"));
        Assert.Equal(SignalMessageType.Whisper, type);
        Assert.Equal("hi from node", String(await us.DecryptAsync(peer.Address, type, reply)));
        var third = await us.EncryptAsync(peer.Address, Text("now a msg"));
        Assert.Equal(SignalMessageType.Whisper, third.Type);
        Assert.Equal("now a msg", String(await peer.DecryptAsync(us.Address, third.Type, third.Ciphertext)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheirPreKeyMessageOpensSessionHere(bool withOneTime)
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await peer.ProcessBundleAsync(us.Address, await us.BundleAsync(withOneTime));

        var (type, first) = await peer.EncryptAsync(us.Address, Text("from node"));
        Assert.Equal(SignalMessageType.PreKey, type);
        Assert.Equal("from node", String(await us.DecryptAsync(peer.Address, type, first)));
        Assert.Equal(withOneTime ? 9 : 10, await us.Store.CountPreKeysAsync(default));
        var reply = await us.EncryptAsync(peer.Address, Text("reply"));
        Assert.Equal(SignalMessageType.Whisper, reply.Type);
        Assert.Equal("reply", String(await peer.DecryptAsync(us.Address, reply.Type, reply.Ciphertext)));
        var (type2, next) = await peer.EncryptAsync(us.Address, Text("next"));
        Assert.Equal(SignalMessageType.Whisper, type2);
        Assert.Equal("next", String(await us.DecryptAsync(peer.Address, type2, next)));
    }

    [Fact]
    public async Task LibsignalVerifiesOurSignedPreKey()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        Assert.True(await peer.VerifySignedPreKeyAsync(await us.BundleAsync()));
    }

    [Fact]
    public async Task DuplicatesAreRejectedOnBothSides()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await us.StartSessionAsync(peer.Address, peer.Bundle);
        var first = await us.EncryptAsync(peer.Address, Text("one"));
        await peer.DecryptAsync(us.Address, first.Type, first.Ciphertext);
        var (type, reply) = await peer.EncryptAsync(us.Address, Text("two"));
        await us.DecryptAsync(peer.Address, type, reply);

        var ours = await Assert.ThrowsAsync<SignalException>(() => us.DecryptAsync(peer.Address, type, reply));
        Assert.Equal(SignalErrorKind.Duplicate, ours.Kind);
        var theirs = await Assert.ThrowsAsync<NodePeerException>(() => peer.DecryptAsync(us.Address, first.Type, first.Ciphertext));
        Assert.Contains("MessageCounterError", theirs.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentityChangeIsSurfacedThenAcceptedAndNewSessionWorks()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await us.StartSessionAsync(peer.Address, peer.Bundle);
        var first = await us.EncryptAsync(peer.Address, Text("before"));
        await peer.DecryptAsync(us.Address, first.Type, first.Ciphertext);

        await peer.ResetAsync();
        await peer.ProcessBundleAsync(us.Address, await us.BundleAsync());
        var (type, fresh) = await peer.EncryptAsync(us.Address, Text("reinstalled"));
        var error = await Assert.ThrowsAsync<SignalException>(() => us.DecryptAsync(peer.Address, type, fresh));
        Assert.Equal(SignalErrorKind.UntrustedIdentity, error.Kind);
        Assert.Equal(peer.Address, error.Address);
        Assert.Equal(peer.Bundle.IdentityKey, error.IdentityKey);
        Assert.Contains("peer.0", error.Message, StringComparison.Ordinal);

        await us.Store.CommitAsync(SignalStateChange.TrustIdentity(peer.Address, error.IdentityKey!), default);
        Assert.Equal("reinstalled", String(await us.DecryptAsync(peer.Address, type, fresh)));
        var reply = await us.EncryptAsync(peer.Address, Text("welcome back"));
        Assert.Equal("welcome back", String(await peer.DecryptAsync(us.Address, reply.Type, reply.Ciphertext)));
    }

    [Fact]
    public async Task OutgoingSessionToChangedIdentityNeedsAcceptance()
    {
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await us.StartSessionAsync(peer.Address, peer.Bundle);
        await peer.ResetAsync();

        var error = await Assert.ThrowsAsync<SignalException>(() => us.StartSessionAsync(peer.Address, peer.Bundle));
        Assert.Equal(SignalErrorKind.UntrustedIdentity, error.Kind);
        await us.Store.CommitAsync(SignalStateChange.TrustIdentity(peer.Address, error.IdentityKey!), default);
        await us.StartSessionAsync(peer.Address, peer.Bundle);
        var message = await us.EncryptAsync(peer.Address, Text("to the new you"));
        Assert.Equal("to the new you", String(await peer.DecryptAsync(us.Address, message.Type, message.Ciphertext)));
    }
}
