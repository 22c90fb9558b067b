using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Engine.Stanzas.Messages;

namespace WaEngine.Engine.Tests.Stanzas.Groups;

/// <summary>The w:g2 queries in WhatsApp's shapes (Baileys groups.js), the &lt;group&gt; node read back, w:gp2 children as changes, and the group message stanza.</summary>
public sealed class GroupStanzasTests
{
    [Fact]
    public void Queries_have_the_shapes_whatsapps_clients_send()
    {
        var metadata = GroupStanzas.BuildMetadataQuery("1", "120363000000000001@g.us");
        Assert.Equal(("iq", "get", "w:g2", "120363000000000001@g.us"), (metadata.Tag, metadata.Attr("type"), metadata.Attr("xmlns"), metadata.Attr("to")));
        Assert.Equal("interactive", metadata.RequiredChild("query").Attr("request"));

        var create = GroupStanzas.BuildCreate("2", "Team", "K1", ["15550002222@s.whatsapp.net"]);
        Assert.Equal(("set", "@g.us"), (create.Attr("type"), create.Attr("to")));
        var node = create.RequiredChild("create");
        Assert.Equal(("Team", "K1"), (node.Attr("subject"), node.Attr("key")));
        Assert.Equal("15550002222@s.whatsapp.net", Assert.Single(node.ChildrenNamed("participant")).Attr("jid"));

        var subject = GroupStanzas.BuildSubject("3", "120363000000000001@g.us", "Nuevo · 名前");
        Assert.Equal("Nuevo · 名前", Encoding.UTF8.GetString(subject.RequiredChild("subject").ContentBytes().Span));

        var description = GroupStanzas.BuildDescription("4", "120363000000000001@g.us", "Ask here", "D2", "D1").RequiredChild("description");
        Assert.Equal(("D2", "D1", "Ask here"), (description.Attr("id"), description.Attr("prev"), Encoding.UTF8.GetString(description.RequiredChild("body").ContentBytes().Span)));
        var deletion = GroupStanzas.BuildDescription("5", "120363000000000001@g.us", "", "D3", null).RequiredChild("description");
        Assert.Equal(("true", null, null), (deletion.Attr("delete"), deletion.Attr("prev"), deletion.Child("body")));

        Assert.Equal("get", GroupStanzas.BuildInvite("6", "120363000000000001@g.us", revoke: false).Attr("type"));
        Assert.Equal("set", GroupStanzas.BuildInvite("7", "120363000000000001@g.us", revoke: true).Attr("type"));
        Assert.Equal("ABC123def", GroupStanzas.BuildJoin("8", "ABC123def").RequiredChild("invite").Attr("code"));
        Assert.Equal("120363000000000001@g.us", GroupStanzas.BuildLeave("9", "120363000000000001@g.us").RequiredChild("leave").RequiredChild("group").Attr("id"));
        Assert.Equal("remove", GroupStanzas.BuildParticipantsChange("10", "120363000000000001@g.us", "remove", ["101@lid"]).FirstChild()!.Tag);
    }

    [Fact]
    public void A_group_node_reads_into_metadata_with_both_forms_of_each_participant()
    {
        var group = new Node("group", NodeAttributes.Of(("id", "120363000000000001"), ("subject", "Team"), ("creation", "1779285900"), ("creator", "101@lid"), ("addressing_mode", "lid")),
        [
            new Node("participant", NodeAttributes.Of(("jid", "101@lid"), ("phone_number", "15550001111@s.whatsapp.net"), ("type", "superadmin"))),
            new Node("participant", NodeAttributes.Of(("jid", "102@lid"), ("phone_number", "15550002222@s.whatsapp.net"))),
            new Node("participant", NodeAttributes.Of(("jid", "15550003333@s.whatsapp.net"), ("lid", "103@lid"), ("type", "admin"))),
            new Node("description", NodeAttributes.Of(("id", "D1")), [new Node("body", null, Encoding.UTF8.GetBytes("Ask here"))]),
            new Node("announcement"),
        ]);

        var info = GroupStanzas.ParseGroup(group);
        Assert.Equal(("120363000000000001@g.us", "Team", "Ask here", "D1", "101@lid", true, false, true),
            (info.Jid, info.Subject, info.Description, info.DescriptionId, info.Owner, info.Announce, info.Locked, info.LidAddressing));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1779285900), info.CreatedAt);
        Assert.Equal(
            [
                new GroupMember("101@lid", "15550001111@s.whatsapp.net", "101@lid", "superadmin"),
                new GroupMember("102@lid", "15550002222@s.whatsapp.net", "102@lid", null),
                new GroupMember("15550003333@s.whatsapp.net", "15550003333@s.whatsapp.net", "103@lid", "admin"),
            ],
            info.Participants);
        Assert.Same(info.Participants[1], info.Find("15550002222@s.whatsapp.net"));
        Assert.Throws<StanzaException>(() => GroupStanzas.ParseGroup(new Node("group")));
    }

    [Theory]
    [InlineData("add", null, "add")]
    [InlineData("add", "invite", "join")]
    [InlineData("remove", null, "remove")]
    [InlineData("promote", null, "promote")]
    [InlineData("demote", null, "demote")]
    [InlineData("leave", null, "leave")]
    public void Participant_notifications_become_participant_changes(string tag, string? reason, string action)
    {
        var attributes = reason is null ? NodeAttributes.Empty : NodeAttributes.Of(("reason", reason));
        var child = new Node(tag, attributes, [new Node("participant", NodeAttributes.Of(("jid", "102@lid"), ("phone_number", "15550002222@s.whatsapp.net")))]);
        var change = Assert.IsType<GroupChange.Participants>(GroupNotificationHandler.Parse("120363000000000001@g.us", "15550001111@s.whatsapp.net", DateTimeOffset.UnixEpoch, child, "101@lid"));
        Assert.Equal(action, change.Action);
        Assert.Equal("15550002222@s.whatsapp.net", Assert.Single(change.Members).PhoneNumber);
    }

    [Fact]
    public void A_member_removing_themself_is_a_leave_and_settings_become_updates()
    {
        var self = new Node("remove", null, [new Node("participant", NodeAttributes.Of(("jid", "102@lid")))]);
        Assert.Equal("leave", Assert.IsType<GroupChange.Participants>(GroupNotificationHandler.Parse("g@g.us", null, DateTimeOffset.UnixEpoch, self, "102@lid")).Action);

        Assert.Equal("New", Updated(new Node("subject", NodeAttributes.Of(("subject", "New")))).Subject);
        Assert.Equal(("Text", "D9"), (Updated(new Node("description", NodeAttributes.Of(("id", "D9")), [new Node("body", null, "Text"u8.ToArray())])) is var d ? (d.Description, d.DescriptionId) : default));
        Assert.Equal("", Updated(new Node("description", NodeAttributes.Of(("id", "D10")), [new Node("delete")])).Description);
        Assert.Equal(true, Updated(new Node("announcement")).Announce);
        Assert.Equal(false, Updated(new Node("not_announcement")).Announce);
        Assert.Equal(true, Updated(new Node("locked")).Locked);
        Assert.Equal(false, Updated(new Node("unlocked")).Locked);
        Assert.Null(GroupNotificationHandler.Parse("g@g.us", null, DateTimeOffset.UnixEpoch, new Node("ephemeral"), null));
    }

    [Fact]
    public void The_group_message_carries_addressing_mode_phash_the_key_parts_then_the_skmsg()
    {
        var keyPart = new Node("to", NodeAttributes.Of(("jid", "102:1@lid")), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "pkmsg")), new byte[] { 1 })]);
        var skmsg = new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "skmsg")), new byte[] { 2 });
        var message = GroupMessageStanzas.BuildGroupMessage("M1", "120363000000000001@g.us", "text", null, lidAddressing: true, "2:abcdefgh", [keyPart], skmsg, [9, 9]);

        Assert.Equal(("M1", "120363000000000001@g.us", "text", "lid", "2:abcdefgh"),
            (message.Attr("id"), message.Attr("to"), message.Attr("type"), message.Attr("addressing_mode"), message.Attr("phash")));
        Assert.Equal(["participants", "enc", "device-identity"], message.Children.Select(c => c.Tag));

        var known = GroupMessageStanzas.BuildGroupMessage("M2", "120363000000000001@g.us", "reaction", "7", lidAddressing: false, null, [], skmsg, [9]);
        Assert.Equal(["enc"], known.Children.Select(c => c.Tag));
        Assert.Equal(("pn", "7", null), (known.Attr("addressing_mode"), known.Attr("edit"), known.Attr("phash")));
    }

    private static GroupChange.Updated Updated(Node child) =>
        Assert.IsType<GroupChange.Updated>(GroupNotificationHandler.Parse("g@g.us", null, DateTimeOffset.UnixEpoch, child, null));
}
