using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Contacts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Conversations;

/// <summary>The sandbox answers a usync contact lookup as WhatsApp does: registered numbers <c>in</c> with their LID, others <c>out</c>.</summary>
public sealed class ContactLookupAnswerTests
{
    [Fact]
    public async Task A_contact_lookup_finds_registered_numbers_with_their_lids_and_reports_the_rest_out()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var alice = await sandbox.Runtime.Accounts.CreateAsync("15550403001", "Alice", null, CancellationToken.None);
        var bob = await sandbox.Runtime.Accounts.CreateAsync("15550403002", "Bob", null, CancellationToken.None);
        var handler = new IqHandler(sandbox.Runtime.Accounts, sandbox.Runtime.Keys, () => new MediaConnInfo("a", "127.0.0.1:1"), new RuleBook(true, NullLogger<RuleBook>.Instance));

        var phones = new[] { bob.Phone, "15550409999" };
        var answer = await handler.HandleAsync(new ConnectedDevice(alice, 1), ContactLookup.BuildQuery("c1", phones), CancellationToken.None);

        Assert.Equal("result", answer.Attr("type"));
        var checks = ContactLookup.Parse(answer, phones);
        Assert.Equal(new Engine.Messaging.ContactCheck(bob.Phone, true, bob.Jid, bob.LidJid), checks[0]);
        Assert.Equal(new Engine.Messaging.ContactCheck("15550409999", false, null, null), checks[1]);
    }
}
