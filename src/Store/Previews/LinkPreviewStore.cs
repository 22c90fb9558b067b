using Dapper;

namespace WaEngine.Store.Previews;

/// <summary>A line's link preview outcomes (issue #16), in its own database.</summary>
public sealed class LinkPreviewStore(LineDatabase database)
{
    /// <summary>Records (or replaces) the outcome for a message.</summary>
    public async Task SaveAsync(LinkPreviewRecord preview, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(database);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO link_previews (msg_id, url, attached, title, reason, created_at_ms) VALUES (@MsgId, @Url, @Attached, @Title, @Reason, @at)
                ON CONFLICT (msg_id) DO UPDATE SET url = excluded.url, attached = excluded.attached, title = excluded.title, reason = excluded.reason;
                """,
                new { preview.MsgId, preview.Url, preview.Attached, preview.Title, preview.Reason, at = at.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records that the preview of <paramref name="msgId"/> (for <paramref name="url"/>) is still to be fetched by the
    /// send queue: not attached, no reason yet. An outcome stored already (the queue was quicker) is kept.
    /// </summary>
    public async Task SavePendingAsync(string msgId, string url, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO link_previews (msg_id, url, attached, title, reason, created_at_ms) VALUES (@msgId, @url, 0, NULL, NULL, @at) ON CONFLICT (msg_id) DO NOTHING;",
                new { msgId, url, at = at.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>The outcome for a message, or null when it was not sent with <c>link_preview</c>.</summary>
    public async Task<LinkPreviewRecord?> FindAsync(string msgId, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<(string MsgId, string? Url, long Attached, string? Title, string? Reason)?>(new CommandDefinition(
                "SELECT msg_id, url, attached, title, reason FROM link_previews WHERE msg_id = @msgId;",
                new { msgId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is { } found ? new LinkPreviewRecord(found.MsgId, found.Url, found.Attached != 0, found.Title, found.Reason) : null;
        }
    }
}
