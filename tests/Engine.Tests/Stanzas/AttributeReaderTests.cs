using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Engine.Tests.Stanzas;

public class AttributeReaderTests
{
    [Fact]
    public void Reads_well_formed_attributes()
    {
        var node = new Node("receipt", NodeAttributes.Of(("id", "3EB0AA"), ("from", "1555:2@s.whatsapp.net"), ("t", "1779285900")));
        var reader = new AttributeReader(node);

        Assert.Equal("3EB0AA", reader.String("id"));
        Assert.Equal(new Jid("1555", "s.whatsapp.net", 2), reader.Jid("from"));
        Assert.Equal(1779285900, reader.Int64("t"));
        Assert.Null(reader.OptionalJid("participant"));
        Assert.Null(reader.OptionalInt64("count"));
        Assert.True(reader.IsValid);
        reader.ThrowIfInvalid();
    }

    [Fact]
    public void Collects_every_problem_of_a_stanza_into_one_message()
    {
        var node = new Node("message", NodeAttributes.Of(("id", "X1"), ("from", "not-a-jid"), ("t", "soon"), ("participant", "@@")));
        var reader = new AttributeReader(node);
        reader.Jid("from");
        reader.Int64("t");
        reader.String("type");
        reader.OptionalJid("participant");

        Assert.False(reader.IsValid);
        var ex = Assert.Throws<StanzaException>(reader.ThrowIfInvalid);
        Assert.Equal(
            "<message id=X1> is malformed: 'from' is not a JID ('not-a-jid'); 't' is not an integer ('soon'); 'type' is missing; 'participant' is not a JID ('@@').",
            ex.Message);
    }

    [Fact]
    public void Child_lookups_name_the_stanza_and_check_lengths()
    {
        var node = new Node("iq", NodeAttributes.Of(("id", "7")), [
            new Node("registration", null, new byte[] { 0, 0, 1, 2 }),
            new Node("nonce", null, "0"),
        ]);

        Assert.Equal([0, 0, 1, 2], node.RequiredChildBytes("registration", 4));
        Assert.Equal("0"u8.ToArray(), node.RequiredChildBytes("nonce"));
        Assert.Contains("<iq id=7> has no <identity> child", Assert.Throws<StanzaException>(() => node.RequiredChild("identity")).Message);
        Assert.Contains("has 4 bytes (expected 32)", Assert.Throws<StanzaException>(() => node.RequiredChildBytes("registration", 32)).Message);
    }
}
