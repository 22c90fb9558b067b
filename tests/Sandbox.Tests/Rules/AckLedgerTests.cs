using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Rules;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>R6 bookkeeping: an ack settles the stanza it echoes, even when several stanzas share its class and id.</summary>
public class AckLedgerTests
{
    [Fact]
    public void R6_receipts_of_one_message_from_two_devices_are_each_settled_by_their_own_ack_in_any_order()
    {
        var ledger = new AckLedger(TimeProvider.System);
        // The sender's phone receipts plainly, its companion inactive: same id, same class.
        ledger.Sent(new Node("receipt", NodeAttributes.Of(("id", "M1"), ("from", "15550002222@s.whatsapp.net"))));
        ledger.Sent(new Node("receipt", NodeAttributes.Of(("id", "M1"), ("from", "15550002222:1@s.whatsapp.net"), ("type", "inactive"))));

        // The companion's receipt is acked first: it must not settle the phone's (which asks no type).
        Assert.Null(ledger.Acknowledge(new Node("ack", NodeAttributes.Of(("id", "M1"), ("class", "receipt"), ("to", "15550002222:1@s.whatsapp.net"), ("type", "inactive")))));
        Assert.Null(ledger.Acknowledge(new Node("ack", NodeAttributes.Of(("id", "M1"), ("class", "receipt"), ("to", "15550002222@s.whatsapp.net")))));
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void R6_a_second_ack_of_a_stanza_delivered_twice_is_harmless_while_another_devices_receipt_is_owed()
    {
        var ledger = new AckLedger(TimeProvider.System);
        var phoneReceipt = new Node("receipt", NodeAttributes.Of(("id", "M3"), ("from", "15550001111@s.whatsapp.net"), ("recipient", "15550002222@s.whatsapp.net")));
        ledger.Sent(phoneReceipt);
        ledger.Sent(phoneReceipt);
        ledger.Sent(new Node("receipt", NodeAttributes.Of(("id", "M3"), ("from", "15550002222:1@s.whatsapp.net"), ("type", "inactive"))));

        var phoneAck = new Node("ack", NodeAttributes.Of(("id", "M3"), ("class", "receipt"), ("to", "15550001111@s.whatsapp.net"), ("recipient", "15550002222@s.whatsapp.net")));
        Assert.Null(ledger.Acknowledge(phoneAck));
        Assert.Null(ledger.Acknowledge(phoneAck));
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void R6_a_repeated_ack_of_a_settled_delivery_receipt_leaves_the_read_receipt_owed_without_a_breach()
    {
        var ledger = new AckLedger(TimeProvider.System);
        const string bob = "15550002222:1@s.whatsapp.net";
        ledger.Sent(new Node("receipt", NodeAttributes.Of(("id", "M4"), ("from", bob), ("type", "inactive"))));
        var inactiveAck = new Node("ack", NodeAttributes.Of(("id", "M4"), ("class", "receipt"), ("to", bob), ("type", "inactive")));
        Assert.Null(ledger.Acknowledge(inactiveAck));

        // The same receipt came twice and the read receipt follows: the second ack of the first is no breach.
        ledger.Sent(new Node("receipt", NodeAttributes.Of(("id", "M4"), ("from", bob), ("type", "read"))));
        Assert.Null(ledger.Acknowledge(inactiveAck));
        Assert.Equal(1, ledger.Count);
        Assert.Null(ledger.Acknowledge(new Node("ack", NodeAttributes.Of(("id", "M4"), ("class", "receipt"), ("to", bob), ("type", "read")))));
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void R6_an_ack_without_the_type_its_stanza_had_is_refused_and_the_stanza_stays_owed()
    {
        var ledger = new AckLedger(TimeProvider.System);
        ledger.Sent(new Node("receipt", NodeAttributes.Of(("id", "M2"), ("from", "15550002222@s.whatsapp.net"), ("type", "read"))));

        var problem = ledger.Acknowledge(new Node("ack", NodeAttributes.Of(("id", "M2"), ("class", "receipt"), ("to", "15550002222@s.whatsapp.net"))));

        Assert.Contains("lacks type=\"read\"", problem, StringComparison.Ordinal);
        Assert.Equal(1, ledger.Count);
    }
}
