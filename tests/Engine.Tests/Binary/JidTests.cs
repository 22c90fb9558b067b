using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

public sealed class JidTests
{
    [Theory]
    [InlineData("1234@s.whatsapp.net", "1234", "s.whatsapp.net", null, null)]
    [InlineData("1234:2@s.whatsapp.net", "1234", "s.whatsapp.net", 2, null)]
    [InlineData("1234:0@s.whatsapp.net", "1234", "s.whatsapp.net", 0, null)]
    [InlineData("5678:3@lid", "5678", "lid", 3, null)]
    [InlineData("1234_1:5@s.whatsapp.net", "1234", "s.whatsapp.net", 5, 1)]
    [InlineData("@s.whatsapp.net", "", "s.whatsapp.net", null, null)]
    [InlineData("120363000000000000@g.us", "120363000000000000", "g.us", null, null)]
    [InlineData("status@broadcast", "status", "broadcast", null, null)]
    [InlineData("99:65535@hosted.lid", "99", "hosted.lid", 65535, null)]
    public void Parses_and_formats_back(string text, string user, string server, int? device, int? agent)
    {
        var jid = Jid.Parse(text);
        Assert.Equal(user, jid.User);
        Assert.Equal(server, jid.Server);
        Assert.Equal(device, jid.Device);
        Assert.Equal(agent, jid.Agent);
        Assert.Equal(text, jid.ToString());
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("user@")]
    [InlineData("a@b@c")]
    [InlineData("1234:@s.whatsapp.net")]
    [InlineData("1234:01@s.whatsapp.net")]
    [InlineData("1234:65536@s.whatsapp.net")]
    [InlineData("1234:1:2@s.whatsapp.net")]
    [InlineData("user_name@s.whatsapp.net")]
    [InlineData("1234_256:1@s.whatsapp.net")]
    public void Rejects_strings_that_are_not_jids(string text)
    {
        Assert.False(Jid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Jid.Parse(text));
    }

    [Theory]
    [InlineData("lid", 1)]
    [InlineData("hosted", 128)]
    [InlineData("hosted.lid", 129)]
    [InlineData("s.whatsapp.net", 0)]
    [InlineData("g.us", 0)]
    public void Domain_type_follows_the_server(string server, int domainType)
    {
        Assert.Equal(domainType, new Jid("1", server, 1).DomainType);
        Assert.Equal(server == "g.us" ? "s.whatsapp.net" : server, Jid.ServerForDomainType((byte)domainType));
    }

    [Fact]
    public void Agent_is_the_domain_type_on_the_whatsapp_server()
    {
        Assert.Equal(7, Jid.Parse("1_7:1@s.whatsapp.net").DomainType);
    }
}
