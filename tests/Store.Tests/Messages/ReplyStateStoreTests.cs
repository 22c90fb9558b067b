using System.Text;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Store.Messages;
using WaEngine.Store.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Messages;

/// <summary>Reply routing state (CONTRACT §3c): kept per contact until it expires, and copied onto the contact's received messages' journal rows.</summary>
public sealed class ReplyStateStoreTests
{
    private const string Pn = "15550001111@s.whatsapp.net";
    private const string Lid = "98765432101234@lid";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);

    [Fact]
    public async Task A_state_is_read_back_until_it_expires_replaced_by_a_new_one_and_gone_once_deleted_or_swept()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var states = new ReplyStateStore(database);

        await states.SetAsync(new ReplyState(Pn, "support", """{"ticket":42}""", Now.AddMinutes(5)), default);
        Assert.Equal(new ReplyState(Pn, "support", """{"ticket":42}""", Now.AddMinutes(5)), await states.FindAsync(Pn, Now, default));
        Assert.Null(await states.FindAsync(Lid, Now, default));

        // Expired at the instant of expiry, and from then on, though still in the table until swept.
        Assert.NotNull(await states.FindAsync(Pn, Now.AddMinutes(5).AddMilliseconds(-1), default));
        Assert.Null(await states.FindAsync(Pn, Now.AddMinutes(5), default));

        await states.SetAsync(new ReplyState(Pn, "sales", null, Now.AddHours(1)), default);
        Assert.Equal(new ReplyState(Pn, "sales", null, Now.AddHours(1)), await states.FindAsync(Pn, Now.AddMinutes(30), default));
        Assert.True(await states.DeleteAsync(Pn, Now, default));
        Assert.False(await states.DeleteAsync(Pn, Now, default));
        Assert.Null(await states.FindAsync(Pn, Now, default));

        await states.SetAsync(new ReplyState(Pn, "a", null, Now.AddMinutes(1)), default);
        await states.SetAsync(new ReplyState(Lid, "b", null, Now.AddMinutes(10)), default);
        Assert.Equal(1, await states.SweepAsync(Now.AddMinutes(5), default));
        Assert.Equal(0, await states.SweepAsync(Now.AddMinutes(5), default));
        Assert.NotNull(await states.FindAsync(Lid, Now.AddMinutes(5), default));
    }

    [Fact]
    public async Task A_received_message_carries_its_senders_state_as_it_was_when_it_was_stored()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var states = new ReplyStateStore(database);
        var messages = new SqliteMessageStore(database, new FixedClock(Now));
        var outbox = new WebhookOutbox(database, new LineId(1));

        await states.SetAsync(new ReplyState(Lid, "support", """{"step":2}""", Now.AddMinutes(5)), default);
        await messages.SaveInboundAsync(null, Inbound("BY-LID", Pn, Lid, fromMe: false), default);
        await messages.SaveInboundAsync(null, Inbound("OURS", Pn, Lid, fromMe: true), default);
        await messages.SaveInboundAsync(null, Inbound("STRANGER", "15550002222@s.whatsapp.net", null, fromMe: false), default);

        // Changed after the first message was stored: that message keeps the state it arrived under.
        await states.SetAsync(new ReplyState(Pn, "billing", null, Now.AddMinutes(5)), default);
        await states.DeleteAsync(Lid, Now, default);
        await messages.SaveInboundAsync(null, Inbound("BY-PN", Pn, null, fromMe: false), default);
        await states.SetAsync(new ReplyState(Pn, "expired", null, Now), default);
        await messages.SaveInboundAsync(null, Inbound("AFTER-EXPIRY", Pn, null, fromMe: false), default);

        var seen = new Dictionary<string, ReplyState?>();
        await outbox.TransferAsync(entry => { seen[entry.Message!.MsgId] = entry.State; return new WebhookDraft(entry.ChatJid ?? "", Encoding.UTF8.GetBytes("{}")); }, Now, TimeSpan.FromHours(1), 100, default);

        Assert.Equal(("support", """{"step":2}""", Now.AddMinutes(5)), (seen["BY-LID"]!.Handler, seen["BY-LID"]!.ContextJson, seen["BY-LID"]!.ExpiresAt));
        Assert.Null(seen["OURS"]);
        Assert.Null(seen["STRANGER"]);
        Assert.Equal("billing", seen["BY-PN"]!.Handler);
        Assert.Null(seen["AFTER-EXPIRY"]);
    }

    private static MessageRecord Inbound(string id, string pn, string? lid, bool fromMe) => new()
    {
        MsgId = id,
        ChatJid = pn,
        FromMe = fromMe,
        SenderJid = lid ?? pn,
        SenderPn = pn,
        SenderLid = lid,
        Type = "text",
        Body = "hello " + id,
        Content = [1],
        Timestamp = Now,
        Status = fromMe ? MessageStatus.Sent : MessageStatus.Received,
    };
}
