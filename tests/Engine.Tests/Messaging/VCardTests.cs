using WaEngine.Engine.Messaging.Kinds;

namespace WaEngine.Engine.Tests.Messaging;

public class VCardTests
{
    [Fact]
    public void A_built_card_escapes_the_name_and_names_the_number_as_its_WhatsApp_id()
    {
        var card = VCard.Build("Doe, Jane; Dr.", "4915112345678");
        Assert.Equal("BEGIN:VCARD\nVERSION:3.0\nFN:Doe\\, Jane\\; Dr.\nTEL;type=CELL;type=VOICE;waid=4915112345678:+4915112345678\nEND:VCARD", card);
        Assert.Null(VCard.Problem(card));
        Assert.Equal("Doe, Jane; Dr.", VCard.DisplayNameOf(card));
        Assert.Equal(["4915112345678"], VCard.PhonesOf(card));
    }

    [Fact]
    public void A_given_card_is_read_for_its_name_and_numbers_with_folded_lines_and_CRLF()
    {
        const string Card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Max\r\n  Mustermann\r\nitem1.TEL;type=CELL:+49 151 1234\r\nTEL;waid=4930999:+49 30 999\r\nEND:VCARD\r\n";
        Assert.Null(VCard.Problem(Card));
        Assert.Equal("Max Mustermann", VCard.DisplayNameOf(Card));
        Assert.Equal(["+49 151 1234", "4930999"], VCard.PhonesOf(Card));
    }

    [Theory]
    [InlineData("FN:Jane", "start with BEGIN:VCARD")]
    [InlineData("BEGIN:VCARD\nVERSION:3.0\nFN:Jane", "end with END:VCARD")]
    [InlineData("BEGIN:VCARD\nFN:Jane\nEND:VCARD", "no VERSION")]
    [InlineData("BEGIN:VCARD\nVERSION:3.0\nTEL:+1555\nEND:VCARD", "no FN")]
    [InlineData("BEGIN:VCARD\nVERSION:3.0\nFN: \nEND:VCARD", "no FN")]
    [InlineData("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:B\nEND:VCARD", "exactly one card")]
    [InlineData("", "start with BEGIN:VCARD")]
    public void A_card_that_is_not_one_named_vCard_is_refused_with_the_reason(string card, string reason) =>
        Assert.Contains(reason, VCard.Problem(card), StringComparison.Ordinal);

    [Fact]
    public void A_card_over_the_limit_is_refused() =>
        Assert.Contains("limit is 10000", VCard.Problem("BEGIN:VCARD\n" + new string('x', VCard.MaxLength)), StringComparison.Ordinal);
}
