using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Journal;

/// <summary>
/// Journals a subscribed contact's presence or chat state (<c>line_events</c>, event <c>presence.update</c>): the contact
/// (or group) as <c>chat_jid</c>, the state as <c>status</c>, and <c>{"participant", "last_seen"}</c> as JSON in
/// <c>detail</c>. The webhook outbox renders it; nothing else is kept of presence.
/// </summary>
internal static class PresenceJournal
{
    /// <summary>The journal's event name.</summary>
    public const string Event = "presence.update";

    /// <summary>Appends the row.</summary>
    public static Task AppendAsync(SqliteConnection connection, PresenceUpdate update, long nowMs, CancellationToken cancellationToken)
    {
        var detail = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["participant"] = update.Participant,
            ["last_seen"] = update.LastSeen?.ToUnixTimeSeconds(),
        });
        return connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO line_events (event, chat_jid, status, detail, created_at_ms) VALUES (@event, @jid, @state, @detail, @now);",
            new { @event = Event, jid = update.Jid, state = update.State, detail, now = nowMs },
            cancellationToken: cancellationToken));
    }
}
