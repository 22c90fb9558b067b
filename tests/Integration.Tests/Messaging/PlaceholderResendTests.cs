using System.Net.Http.Json;
using WaEngine.Sandbox.Rules;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>R7 and R15 together: a message the line cannot decrypt even after its retries is given up (487) and asked for from our own phone, which has its own copy.</summary>
public sealed class PlaceholderResendTests
{
    private const int ReceiptStanzasGaveUp = WaEngine.Engine.Stanzas.Receipts.ReceiptStanzas.NackGaveUp;

    [Fact]
    public async Task R15_R7_a_message_undecryptable_for_good_is_nacked_487_and_resent_by_our_phone()
    {
        // Lenient: Baileys' one resend is in the shape WhatsApp refuses (R3, 479; WhiskeySockets/Baileys#2781), and this
        // test needs it delivered (corrupted again) for the engine to give up.
        await using var world = await MessagingWorld.StartAsync(strict: false, tune: o => o with { MaxRetries = 1 });
        var line = world.Line;
        world.ExpectedBreaches.Add("R3");

        // Both the first copy and Baileys' one resend arrive corrupted: one retry receipt, then the give-up.
        var fault = await world.Sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = AlicePhone + ":1@s.whatsapp.net", kind = "corrupt_next", count = 2 });
        Assert.True(fault.IsSuccessStatusCode, await fault.Content.ReadAsStringAsync());
        var id = (await world.Bob.SendTextAsync(AliceJid, "my phone kept a copy"))["id"]!.GetValue<string>();

        var received = await line.WaitForMessageAsync(id, TimeSpan.FromSeconds(45));
        Assert.Equal("my phone kept a copy", received.Message.Body);
        Assert.Equal(BobJid, received.Message.ChatJid);
        Assert.False(received.Message.FromMe);
        Assert.Single(await line.Messages.HistoryAsync(BobJid, 50, CancellationToken.None), m => m.MsgId == id);
        world.AssertEveryStanzaWasAcked();
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R14));

        // R7 on the server's side: the give-up reached it as a well-shaped nack (class message, error 487).
        Assert.Equal(1, world.Sandbox.Runtime.Rules.Nacks.Count(ReceiptStanzasGaveUp));
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R7));
    }
}
