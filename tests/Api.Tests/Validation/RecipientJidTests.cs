using WaEngine.Api.Errors;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Tests.Validation;

public class RecipientJidTests
{
    [Theory]
    [InlineData("15550001111@s.whatsapp.net", "15550001111@s.whatsapp.net")]
    [InlineData("15550001111@c.us", "15550001111@s.whatsapp.net")]
    [InlineData("  15550001111@S.WhatsApp.Net ", "15550001111@s.whatsapp.net")]
    [InlineData("+15550001111", "15550001111@s.whatsapp.net")]
    [InlineData("+1 (555) 000-1111", "15550001111@s.whatsapp.net")]
    [InlineData("15550001111", "15550001111@s.whatsapp.net")]
    [InlineData("491701234567", "491701234567@s.whatsapp.net")]
    [InlineData("123456", "123456@s.whatsapp.net")]
    [InlineData("123456789012345", "123456789012345@s.whatsapp.net")]
    [InlineData("276226535837585@lid", "276226535837585@lid")]
    [InlineData("120363025246125888@g.us", "120363025246125888@g.us")]
    [InlineData("15550001111-1600000000@g.us", "15550001111-1600000000@g.us")]
    public void Accepts_jids_and_phone_numbers_and_normalises_them(string input, string expected)
    {
        var (jid, problem) = RecipientJid.Normalize(input, "to");
        Assert.Null(problem);
        Assert.Equal(expected, jid);
    }

    [Theory]
    [InlineData("", ErrorCodes.InvalidRequest)]
    [InlineData("   ", ErrorCodes.InvalidRequest)]
    [InlineData("12345", ErrorCodes.InvalidRequest)]
    [InlineData("1234567890123456", ErrorCodes.InvalidRequest)]
    [InlineData("+", ErrorCodes.InvalidRequest)]
    [InlineData("015550001111", ErrorCodes.InvalidRequest)]
    [InlineData("call me", ErrorCodes.InvalidRequest)]
    [InlineData("1555abc1111", ErrorCodes.InvalidRequest)]
    [InlineData("15550001111@", ErrorCodes.InvalidRequest)]
    [InlineData("@s.whatsapp.net", ErrorCodes.InvalidRequest)]
    [InlineData("1555@s.whatsapp.net", ErrorCodes.InvalidRequest)]
    [InlineData("15550001111:2@s.whatsapp.net", ErrorCodes.InvalidRequest)]
    [InlineData("abc@lid", ErrorCodes.InvalidRequest)]
    [InlineData("15550001111@example.com", ErrorCodes.InvalidRequest)]
    [InlineData("status@broadcast", ErrorCodes.InvalidRequest)]
    [InlineData("x@g.us", ErrorCodes.InvalidRequest)]
    [InlineData("1-2-3@g.us", ErrorCodes.InvalidRequest)]
    [InlineData("-@g.us", ErrorCodes.InvalidRequest)]
    public void Refuses_what_is_not_a_recipient_naming_the_field(string input, string code)
    {
        var (jid, problem) = RecipientJid.Normalize(input, "to");
        Assert.Null(jid);
        Assert.NotNull(problem);
        Assert.Equal(400, problem.Status);
        Assert.Equal(code, problem.Code);
        Assert.Equal("to", problem.Param);
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
    }
}
