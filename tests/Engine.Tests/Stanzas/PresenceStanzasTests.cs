using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Presence;

namespace WaEngine.Engine.Tests.Stanzas;

/// <summary>Presence and chat state both ways, in the references' shapes (PROTOCOL-MAP §14).</summary>
public class PresenceStanzasTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_767_000_000);

    [Theory]
    [InlineData(ChatState.Composing, "composing", null)]
    [InlineData(ChatState.Recording, "composing", "audio")]
    [InlineData(ChatState.Paused, "paused", null)]
    public void A_chat_state_is_one_child_with_audio_media_for_recording(ChatState state, string tag, string? media)
    {
        var node = PresenceStanzas.BuildChatState("15550002222@s.whatsapp.net", state);
        Assert.Equal(("chatstate", "15550002222@s.whatsapp.net"), (node.Tag, node.Attr("to")));
        var child = Assert.Single(node.Children);
        Assert.Equal((tag, media), (child.Tag, child.Attr("media")));
    }

    [Fact]
    public void A_subscription_carries_our_privacy_token_when_we_hold_one()
    {
        var plain = PresenceStanzas.BuildSubscribe("1234@lid", "p.1", null);
        Assert.Equal(("subscribe", "1234@lid", "p.1"), (plain.Attr("type"), plain.Attr("to"), plain.Attr("id")));
        Assert.Empty(plain.Children);
        var withToken = PresenceStanzas.BuildSubscribe("1234@lid", "p.2", [1, 2, 3]);
        Assert.Equal([1, 2, 3], withToken.RequiredChild("tctoken").ContentBytes().ToArray());
    }

    [Fact]
    public void Incoming_presence_is_available_without_a_type_and_unavailable_with_its_last_seen()
    {
        var online = PresenceStanzas.ParsePresence(new Node("presence", NodeAttributes.Of(("from", "15550002222:3@s.whatsapp.net"))), At)!;
        Assert.Equal(("15550002222@s.whatsapp.net", "available", (DateTimeOffset?)null), (online.Jid, online.State, online.LastSeen));
        var offline = PresenceStanzas.ParsePresence(new Node("presence", NodeAttributes.Of(("from", "1234@lid"), ("type", "unavailable"), ("last", "1766999000"))), At)!;
        Assert.Equal(("unavailable", DateTimeOffset.FromUnixTimeSeconds(1_766_999_000)), (offline.State, offline.LastSeen!.Value));
        var hidden = PresenceStanzas.ParsePresence(new Node("presence", NodeAttributes.Of(("from", "1234@lid"), ("type", "unavailable"), ("last", "deny"))), At)!;
        Assert.Null(hidden.LastSeen);
        Assert.Null(PresenceStanzas.ParsePresence(new Node("presence", NodeAttributes.Of(("from", "1234@lid"), ("type", "probe"))), At));
        Assert.Throws<StanzaException>(() => PresenceStanzas.ParsePresence(new Node("presence", NodeAttributes.Of(("type", "unavailable"))), At));
    }

    [Fact]
    public void Incoming_chat_states_read_composing_recording_and_paused_with_the_group_participant()
    {
        Assert.Equal("composing", Parse(new Node("composing")).State);
        Assert.Equal("recording", Parse(new Node("composing", NodeAttributes.Of(("media", "audio")))).State);
        Assert.Equal("paused", Parse(new Node("paused")).State);
        Assert.Null(PresenceStanzas.ParseChatState(new Node("chatstate", NodeAttributes.Of(("from", "1234@lid")), [new Node("dancing")]), At));
        var inGroup = PresenceStanzas.ParseChatState(new Node("chatstate", NodeAttributes.Of(("from", "120363000000000001@g.us"), ("participant", "15550002222:2@s.whatsapp.net")), [new Node("composing")]), At)!;
        Assert.Equal(("120363000000000001@g.us", "15550002222@s.whatsapp.net"), (inGroup.Jid, inGroup.Participant));

        static WaEngine.Engine.Messaging.PresenceUpdate Parse(Node child) =>
            PresenceStanzas.ParseChatState(new Node("chatstate", NodeAttributes.Of(("from", "15550002222@s.whatsapp.net")), [child]), At)!;
    }
}
