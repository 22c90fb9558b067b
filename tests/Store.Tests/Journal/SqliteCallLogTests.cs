using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas.Calls;
using WaEngine.Store.Journal;
using WaEngine.Store.Tests.Messages;

namespace WaEngine.Store.Tests.Journal;

/// <summary>The call log: one <c>call.received</c> journal row per call id, signalled once; a replayed offer is recognised.</summary>
public sealed class SqliteCallLogTests
{
    [Fact]
    public async Task A_call_is_journalled_once_however_often_its_offer_arrives()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var signals = 0;
        line.Database.Journalled += () => signals++;
        var log = new SqliteCallLog(line.Database);
        var call = new IncomingCall("CALL1", Jid.Parse("15550002222@s.whatsapp.net"), Video: true, DateTimeOffset.FromUnixTimeSeconds(1_779_285_890));

        Assert.True(await log.RecordAsync(call, default));
        Assert.False(await log.RecordAsync(call, default));
        Assert.True(await log.RecordAsync(call with { CallId = "CALL2", Video = false }, default));

        Assert.Equal(2, signals);
        using var reader = new SqliteConnection($"Data Source={line.Database.Path};Mode=ReadOnly;Pooling=False");
        reader.Open();
        var rows = reader.Query<(string Event, string Chat, string MsgId, string Status, string Detail)>(
            "SELECT event, chat_jid, msg_id, status, detail FROM line_events ORDER BY seq").ToList();
        Assert.Equal(
            [("call.received", "15550002222@s.whatsapp.net", "CALL1", "video", "1779285890"), ("call.received", "15550002222@s.whatsapp.net", "CALL2", "audio", "1779285890")],
            rows);
    }
}
