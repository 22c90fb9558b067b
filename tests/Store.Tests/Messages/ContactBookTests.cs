using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Tests.Messages;

/// <summary>The line's contacts: senders with push names, LID mappings and numbers a check found, one entry per contact.</summary>
public sealed class ContactBookTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task Senders_mappings_and_checked_numbers_are_listed_once_each_with_their_lid_and_names()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, new MessageRecord
        {
            MsgId = "B1", ChatJid = "15550002222@s.whatsapp.net", FromMe = false, SenderJid = "15550002222@s.whatsapp.net",
            SenderPn = "15550002222@s.whatsapp.net", SenderLid = "90002@lid", Type = "text", Body = "hi", Content = [1],
            PushName = "Bob", Timestamp = T0, Status = MessageStatus.Received,
        }, default);
        await line.Store.SaveLidMappingAsync("90003@lid", "15550003333@s.whatsapp.net", default);
        await line.Store.SaveCheckedContactsAsync(
        [
            new ContactCheck("15550002222", true, "15550002222@s.whatsapp.net", "90002@lid"),
            new ContactCheck("15550004444", true, "15550004444@s.whatsapp.net", "90004@lid"),
            new ContactCheck("15550005555", false, null, null),
        ], default);

        var contacts = await line.Store.ListContactsAsync(100, default);

        Assert.Equal(
        [
            new ContactEntry("15550002222@s.whatsapp.net", "90002@lid", "Bob", "Bob"),
            new ContactEntry("15550003333@s.whatsapp.net", "90003@lid", null, null),
            new ContactEntry("15550004444@s.whatsapp.net", "90004@lid", null, null),
        ], contacts);
        Assert.Equal("15550004444@s.whatsapp.net", await line.Store.FindPnForLidAsync("90004@lid", default));
    }
}
