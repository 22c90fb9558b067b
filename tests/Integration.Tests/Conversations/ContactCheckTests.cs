using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Integration.Tests.Messaging;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Conversations;

/// <summary>
/// Contact checks through the strict sandbox: one usync query finds the Baileys account and a virtual phone with their
/// LIDs and reports an unknown number as not on WhatsApp; the line's contacts then hold what it checked and who wrote.
/// </summary>
public sealed class ContactCheckTests
{
    private const string CarolPhone = "15550101003";
    private const string UnknownPhone = "15550109999";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_check_finds_a_baileys_account_and_a_virtual_phone_and_not_an_unknown_number_and_they_become_contacts()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var carol = (await (await world.Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = CarolPhone, push_name = "Carol" })).Content.ReadFromJsonAsync<JsonNode>())!;
        var accounts = (await world.Sandbox.GetJsonAsync("/sandbox/accounts")).AsArray();
        var bobLid = accounts.Single(a => a!["phone"]!.GetValue<string>() == BobPhone)!["lid"]!.GetValue<string>();

        var checks = await line.Actor.CheckContactsAsync([BobPhone, CarolPhone, UnknownPhone], None);

        Assert.Equal(
        [
            new Engine.Messaging.ContactCheck(BobPhone, true, BobJid, bobLid.Contains('@', StringComparison.Ordinal) ? bobLid : bobLid + "@lid"),
            new Engine.Messaging.ContactCheck(CarolPhone, true, CarolPhone + "@s.whatsapp.net", carol["lid"]!.GetValue<string>() is var lid && lid.Contains('@', StringComparison.Ordinal) ? lid : lid + "@lid"),
            new Engine.Messaging.ContactCheck(UnknownPhone, false, null, null),
        ], checks);

        var id = (await world.Bob.SendTextAsync(AliceJid, "it's me"))["id"]!.GetValue<string>();
        await line.WaitForMessageAsync(id);
        var contacts = (await line.Messages.ListContactsAsync(100, None)).ToDictionary(c => c.Jid);
        Assert.Equal("Bob", contacts[BobJid].PushName);
        Assert.Equal(checks[0].Lid, contacts[BobJid].Lid);
        Assert.Equal(checks[1].Lid, contacts[CarolPhone + "@s.whatsapp.net"].Lid);
        Assert.DoesNotContain(UnknownPhone + "@s.whatsapp.net", contacts.Keys);
        world.AssertEveryStanzaWasAcked();
    }
}
