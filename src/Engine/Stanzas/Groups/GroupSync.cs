using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>
/// Reads the account's whole group list from the server (one <c>w:g2</c> <c>&lt;participating&gt;</c> query) into the
/// line's group store: once per device after pairing (the first login settles with no sync recorded for our device),
/// and whenever the server marks the groups dirty (<c>&lt;ib&gt;&lt;dirty type="groups"/&gt;&lt;/ib&gt;</c>), after which
/// the dirty bit is cleaned (<c>urn:xmpp:whatsapp:dirty</c> <c>&lt;clean type="groups"/&gt;</c>) — what Baileys does
/// (groupFetchAllParticipating, then cleanDirtyBits('groups')) and whatsmeow offers as GetJoinedGroups. Never per send
/// (R5). A sync stores what the server lists without webhooks (a snapshot, not a change); a participant missing from a
/// stored group marks our sender key for rotation as a removal would, and a stored group the list no longer holds is
/// forgotten. Requests that arrive while a sync runs are served
/// by it (a dirty bit is cleaned after it). Handlers run on the line's loop; the sync runs as background work.
/// </summary>
internal sealed class GroupSync(IGroupStore groups, LineOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>The dirty type that asks for a group sync.</summary>
    public const string DirtyType = "groups";

    private readonly Lock _gate = new();
    private bool _running;
    private bool _dirtyWhileRunning;

    /// <summary>
    /// <c>ib</c> from the server: a <c>dirty</c> child of type <c>groups</c> starts a sync (or joins the one running) and
    /// cleans the bit after it; other <c>ib</c> children (offline, edge routing, other dirty types) need nothing here.
    /// </summary>
    public StanzaOutcome HandleIb(Node ib, LineContext context)
    {
        ArgumentNullException.ThrowIfNull(ib);
        var dirty = ib.ChildrenNamed("dirty").Any(d => d.Attr("type") == DirtyType);
        return dirty ? Start(context, dirty: true) : StanzaOutcome.None;
    }

    /// <summary>The line's login settled: syncs when our device has never read the group list (the first login after pairing).</summary>
    public StanzaOutcome AfterLogin(LineContext context) => Start(context, dirty: false);

    /// <summary>
    /// Stores every group of a <c>&lt;participating&gt;</c> answer (replacing what was stored; members gone since are
    /// applied as a removal first, so our sender key is replaced) and forgets each group of
    /// <paramref name="storedBefore"/> — the groups stored when the query went out — that the answer does not list: the
    /// account is no longer in it (removed, or the group was deleted, while no notification reached the line). A group
    /// stored after the query went out (created or joined meanwhile) is never forgotten by an answer older than it.
    /// Returns the groups the server listed.
    /// </summary>
    public static async Task<IReadOnlyList<GroupInfo>> ApplyAsync(IGroupStore groups, Node answer, DateTimeOffset now, CancellationToken cancellationToken, IReadOnlyCollection<string>? storedBefore = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Child("groups") is null)
        {
            // Not a list at all: forgetting every group on an answer without one would empty the store.
            throw new StanzaException("The participating groups answer has no <groups> list.");
        }

        var listed = new List<GroupInfo>();
        foreach (var node in answer.Child("groups")?.ChildrenNamed("group") ?? [])
        {
            var group = GroupStanzas.ParseGroup(node);
            if (await groups.GetAsync(group.Jid, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                var gone = stored.Participants.Where(old => !group.Participants.Any(current => Same(old, current))).ToList();
                if (gone.Count > 0)
                {
                    await groups.ApplyAsync(new GroupChange.Participants(group.Jid, null, now, "remove", gone), journal: false, cancellationToken).ConfigureAwait(false);
                }
            }

            await groups.SaveAsync(group, cancellationToken).ConfigureAwait(false);
            listed.Add(group);
        }

        foreach (var jid in storedBefore ?? [])
        {
            if (!listed.Any(g => g.Jid == jid))
            {
                await groups.ForgetAsync(jid, cancellationToken).ConfigureAwait(false);
            }
        }

        return listed;
    }

    /// <summary>The JIDs of the groups in <paramref name="groups"/> now (taken before a list query goes out).</summary>
    public static async Task<IReadOnlyCollection<string>> StoredAsync(IGroupStore groups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return [.. (await groups.ListAsync(cancellationToken).ConfigureAwait(false)).Select(g => g.Jid)];
    }

    private static bool Same(GroupMember a, GroupMember b) =>
        a.Is(b.Jid) || (b.PhoneNumber is { } phone && a.Is(phone)) || (b.Lid is { } lid && a.Is(lid));

    private StanzaOutcome Start(LineContext context, bool dirty)
    {
        if (context.Connection is not { } connection || context.Paired is not { Me: { } me })
        {
            return StanzaOutcome.None;
        }

        lock (_gate)
        {
            if (_running)
            {
                _dirtyWhileRunning |= dirty;
                return StanzaOutcome.None;
            }

            _running = true;
        }

        var lineId = context.LineId;
        return StanzaOutcome.Run("group_sync", async (mailbox, cancellationToken) =>
        {
            IReadOnlyList<GroupInfo>? synced = null;
            var clean = dirty;
            try
            {
                if (dirty || !await groups.SyncedAsync(me, cancellationToken).ConfigureAwait(false))
                {
                    synced = await SyncAsync(connection, me, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                lock (_gate)
                {
                    clean |= _dirtyWhileRunning;
                    _dirtyWhileRunning = false;
                    _running = false;
                }
            }

            if (clean && synced is null)
            {
                // A dirty bit came while a check found nothing to do (or the sync failed): read the list now.
                synced = await SyncAsync(connection, me, cancellationToken).ConfigureAwait(false);
            }

            if (synced is null)
            {
                return;
            }

            var cleaned = clean && await CleanAsync(connection, cancellationToken).ConfigureAwait(false);
            var done = new Events.GroupsSynced(lineId, time.GetUtcNow(), [.. synced.Select(g => g.Jid)], cleaned);
            await mailbox.PostAsync(new LineMail.Converse(_ => Task.FromResult(new StanzaOutcome { Events = [done] }), new TaskCompletionSource()), cancellationToken).ConfigureAwait(false);
        });
    }

    private async Task<IReadOnlyList<GroupInfo>?> SyncAsync(LineConnection connection, string me, CancellationToken cancellationToken)
    {
        try
        {
            var storedBefore = await StoredAsync(groups, cancellationToken).ConfigureAwait(false);
            var answer = await connection.QueryAsync(GroupStanzas.BuildParticipatingQuery(connection.NextId()), options.IqTimeout, cancellationToken).ConfigureAwait(false);
            var listed = await ApplyAsync(groups, answer, time.GetUtcNow(), cancellationToken, storedBefore).ConfigureAwait(false);
            await groups.MarkSyncedAsync(me, cancellationToken).ConfigureAwait(false);
            GroupLog.Synced(logger, listed.Count);
            return listed;
        }
        catch (Exception ex) when (ex is LineException or StanzaException)
        {
            // Not recorded as synced: the next login (or the server's next dirty bit) asks again.
            LineLog.FlowFailed(logger, "group_sync", ex.Message);
            return null;
        }
    }

    private async Task<bool> CleanAsync(LineConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.QueryAsync(GroupStanzas.BuildCleanDirty(connection.NextId(), DirtyType), options.IqTimeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (LineException ex)
        {
            // The server marks the groups dirty again at the next login; the sync then runs again.
            LineLog.FlowFailed(logger, "group_sync_clean", ex.Message);
            return false;
        }
    }
}
