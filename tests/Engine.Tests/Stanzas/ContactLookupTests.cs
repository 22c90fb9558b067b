using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Contacts;

namespace WaEngine.Engine.Tests.Stanzas;

/// <summary>The usync contact lookup: one query with the contact and LID protocols, answers matched back to the numbers asked.</summary>
public class ContactLookupTests
{
    [Fact]
    public void The_query_asks_every_number_as_a_plus_contact_with_the_contact_and_lid_protocols()
    {
        var iq = ContactLookup.BuildQuery("u.1", ["15550001111", "4915112345678"]);
        Assert.Equal(("usync", "get", "s.whatsapp.net"), (iq.Attr("xmlns"), iq.Attr("type"), iq.Attr("to")));
        var usync = iq.RequiredChild("usync");
        Assert.Equal(("query", "interactive", "u.1"), (usync.Attr("mode"), usync.Attr("context"), usync.Attr("sid")));
        Assert.Equal(["contact", "lid"], usync.RequiredChild("query").Children.Select(c => c.Tag));
        var contacts = usync.RequiredChild("list").ChildrenNamed("user").Select(u => Encoding.UTF8.GetString(u.RequiredChild("contact").ContentBytes().Span)).ToList();
        Assert.Equal(["+15550001111", "+4915112345678"], contacts);
        Assert.Throws<ArgumentException>(() => ContactLookup.BuildQuery("u.2", []));
        Assert.Throws<ArgumentException>(() => ContactLookup.BuildQuery("u.3", Enumerable.Range(0, 51).Select(i => "1555000" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture)).ToList()));
        Assert.Throws<ArgumentException>(() => ContactLookup.BuildQuery("u.4", ["+15550001111"]));
    }

    [Fact]
    public void Answers_match_by_the_echoed_number_or_the_jid_and_a_number_not_answered_is_not_on_whatsapp()
    {
        var answer = new Node("iq", NodeAttributes.Of(("type", "result")), [new Node("usync", null, [new Node("list", null, [
            new Node("user", NodeAttributes.Of(("jid", "15550001111@s.whatsapp.net")), [new Node("contact", NodeAttributes.Of(("type", "in")), "+15550001111"), new Node("lid", NodeAttributes.Of(("val", "90001@lid")))]),
            new Node("user", NodeAttributes.Of(("jid", "15550002222@s.whatsapp.net")), [new Node("contact", NodeAttributes.Of(("type", "out")), "+15550002222")]),
            new Node("user", NodeAttributes.Of(("jid", "15550003333@s.whatsapp.net")), [new Node("contact", NodeAttributes.Of(("type", "in")))]),
        ])])]);

        var checks = ContactLookup.Parse(answer, ["15550003333", "15550001111", "15550002222", "15550004444"]);

        Assert.Equal(new[]
        {
            new WaEngine.Engine.Messaging.ContactCheck("15550003333", true, "15550003333@s.whatsapp.net", null),
            new WaEngine.Engine.Messaging.ContactCheck("15550001111", true, "15550001111@s.whatsapp.net", "90001@lid"),
            new WaEngine.Engine.Messaging.ContactCheck("15550002222", false, null, null),
            new WaEngine.Engine.Messaging.ContactCheck("15550004444", false, null, null),
        }, checks);
        Assert.Throws<StanzaException>(() => ContactLookup.Parse(new Node("iq", NodeAttributes.Of(("type", "result"))), ["1"]));
    }
}
