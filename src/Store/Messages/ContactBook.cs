using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>
/// The SQL of the line's contact list (<c>GET /api/contacts</c>): the <c>contacts</c> table (a row per sender with a
/// push name, and per number a check found on WhatsApp) joined with the LID mappings and chat names, plus the mapped
/// users the line never had a contact row for. A contact kept under its LID shows under its phone number once the
/// mapping is known.
/// </summary>
internal static class ContactBook
{
    private const string ListSql = """
        SELECT COALESCE(pn.pn_jid, c.jid) AS Jid,
               COALESCE(lid.lid_jid, CASE WHEN c.jid LIKE '%@lid' THEN c.jid END) AS Lid,
               ch.name AS Name, c.push_name AS PushName
        FROM contacts c
        LEFT JOIN lid_mappings lid ON lid.pn_jid = c.jid
        LEFT JOIN lid_mappings pn ON pn.lid_jid = c.jid
        LEFT JOIN chats ch ON ch.jid = COALESCE(pn.pn_jid, c.jid)
        UNION ALL
        SELECT m.pn_jid, m.lid_jid, ch.name, NULL
        FROM lid_mappings m
        LEFT JOIN chats ch ON ch.jid = m.pn_jid
        WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.jid IN (m.pn_jid, m.lid_jid))
        ORDER BY 1
        LIMIT @limit;
        """;

    private const string InsertChecked = """
        INSERT INTO contacts (jid, push_name, updated_at_ms) VALUES (@jid, NULL, @now)
        ON CONFLICT (jid) DO NOTHING;
        """;

    /// <summary>Contacts by JID; one entry per JID (a contact seen under both its LID and its number once).</summary>
    public static async Task<IReadOnlyList<ContactEntry>> ListAsync(SqliteConnection connection, int limit, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(ListSql, new { limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var byJid = new Dictionary<string, ContactEntry>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            byJid[row.Jid] = byJid.TryGetValue(row.Jid, out var seen)
                ? seen with { Lid = seen.Lid ?? row.Lid, Name = seen.Name ?? row.Name, PushName = seen.PushName ?? row.PushName }
                : new ContactEntry(row.Jid, row.Lid, row.Name, row.PushName);
        }

        return [.. byJid.Values.OrderBy(c => c.Jid, StringComparer.Ordinal)];
    }

    /// <summary>The numbers found on WhatsApp become contacts, with their LID mappings, in one transaction.</summary>
    public static async Task SaveCheckedAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<ContactCheck> checks, long nowMs, CancellationToken cancellationToken)
    {
        foreach (var check in checks.Where(c => c is { OnWhatsApp: true, Jid: not null }))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertChecked, new { jid = check.Jid, now = nowMs }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (check.Lid is { } lid)
            {
                await MessageWrites.WriteLidMappingAsync(connection, transaction, lid, check.Jid!, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class Row
    {
        public string Jid { get; set; } = "";

        public string? Lid { get; set; }

        public string? Name { get; set; }

        public string? PushName { get; set; }
    }
}
