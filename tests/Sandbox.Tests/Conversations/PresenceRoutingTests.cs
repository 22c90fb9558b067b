using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Tests.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Conversations;

/// <summary>
/// Presence and chat state through the sandbox: a subscriber gets an account's presence only while it is itself
/// available (W:presence.go SubscribePresence), an account is available while one of its companions announced it and
/// unavailable with a last-seen once none does, and a chat state reaches the addressed account's companions.
/// </summary>
public sealed class PresenceRoutingTests : IAsyncLifetime
{
    private const string AlicePhone = "15550402001";
    private const string BobPhone = "15550402002";
    private readonly TempFolder _data = new();
    private RunningSandbox _sandbox = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(_data.Path);
        await _sandbox.Runtime.Accounts.CreateAsync(AlicePhone, "Alice", null, CancellationToken.None);
        await _sandbox.Runtime.Accounts.CreateAsync(BobPhone, "Bob", null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task A_subscriber_hears_presence_only_while_available_and_typing_reaches_the_addressed_companions()
    {
        await using var alice = await RawDevice.RegisterAsync(_sandbox, AlicePhone);
        await using var bob = await RawDevice.RegisterAsync(_sandbox, BobPhone);
        await alice.LoginAsync();
        await bob.LoginAsync();

        // Bob subscribes while unavailable: nothing yet. Once available he hears Alice's current presence.
        await bob.SendAsync(new Node("presence", NodeAttributes.Of(("id", "s1"), ("to", AlicePhone + "@s.whatsapp.net"), ("type", "subscribe"))));
        await bob.SendAsync(Announce(available: true));
        var first = await bob.ReceiveAsync("presence");
        Assert.Equal((AlicePhone + "@s.whatsapp.net", "unavailable"), (first.Attr("from"), first.Attr("type")));

        await alice.SendAsync(Announce(available: true));
        var online = await bob.ReceiveAsync("presence");
        Assert.Equal((AlicePhone + "@s.whatsapp.net", null), (online.Attr("from"), online.Attr("type")));

        await alice.SendAsync(new Node("chatstate", NodeAttributes.Of(("to", BobPhone + "@s.whatsapp.net")), [new Node("composing", NodeAttributes.Of(("media", "audio")))]));
        var typing = await bob.ReceiveAsync("chatstate");
        Assert.Equal(AlicePhone + "@s.whatsapp.net", typing.Attr("from"));
        Assert.Equal(("composing", "audio"), (typing.RequiredChild("composing").Tag, typing.RequiredChild("composing").Attr("media")));

        await alice.SendAsync(Announce(available: false));
        var offline = await bob.ReceiveAsync("presence");
        Assert.Equal("unavailable", offline.Attr("type"));
        Assert.True(long.TryParse(offline.Attr("last"), out var last) && last > 0);
        Assert.False(_sandbox.Runtime.Network.Presence.IsAvailable(AlicePhone));
    }

    private static Node Announce(bool available) =>
        new("presence", NodeAttributes.Of(("name", "x"), ("type", available ? "available" : "unavailable")));
}
