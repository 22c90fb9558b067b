using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// What a send pass learns for many queued 1:1 messages at once, as WhatsApp's clients batch it: one usync for the
/// device lists of every chat of a window of <see cref="Window"/> messages (and our own), then one key fetch for every
/// device among them without a Signal session. The lists land in the line's device-list cache, where planning reads
/// them; the bundles stay here for the pass, and every plan of a device without a session takes its bundle from here.
/// Several plans may carry one bundle (our own phone's, or a peer's with two queued messages): the first message
/// encrypted builds the session from it, the rest find the session (<see cref="MessageEncryptor"/>). Without this a
/// pass to N new peers made 2N round trips one after the other (and each re-fetched our own devices' bundles until the
/// first message was encrypted); with it, two per window. A pass owns one instance and uses it from its one task.
/// </summary>
internal sealed class PlanPrefetch(SendPlanner planner)
{
    /// <summary>The queued messages whose chats are fetched together.</summary>
    public const int Window = 64;

    private readonly Dictionary<string, PreKeyBundle> _bundles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _covered = new(StringComparer.Ordinal);
    private Dictionary<string, int>? _positions;

    /// <summary>
    /// Makes sure the window of <paramref name="pending"/> starting at <paramref name="entry"/> was fetched: if the entry
    /// is not covered yet, fetches the device lists and bundles of it and the <see cref="Window"/> − 1 messages after it.
    /// A failed query is not fatal here: planning asks again for what is missing and reports the failure itself.
    /// </summary>
    public async Task EnsureAsync(LineConnection connection, IReadOnlyList<OutboundEntry> pending, OutboundEntry entry, Jid me, Jid? meLid, CancellationToken cancellationToken)
    {
        if (_covered.Contains(entry.Message.MsgId))
        {
            return;
        }

        _positions ??= pending.Select((e, i) => (e.Message.MsgId, i)).ToDictionary(p => p.MsgId, p => p.i, StringComparer.Ordinal);
        var start = _positions.GetValueOrDefault(entry.Message.MsgId);
        var window = pending.Skip(start).Take(Window).ToList();
        foreach (var queued in window)
        {
            _covered.Add(queued.Message.MsgId);
        }

        var chats = window.Select(e => Jid.TryParse(e.ToJid, out var jid) ? jid : (Jid?)null)
            .OfType<Jid>()
            .Where(j => j.Server is JidServers.WhatsApp or JidServers.Lid)
            .Select(j => j with { Device = null, Agent = null })
            .Distinct()
            .ToList();
        if (chats.Count < 2)
        {
            // One chat: planning makes the same two queries itself.
            return;
        }

        try
        {
            await FetchAsync(connection, chats, me, meLid, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LineException or StanzaException)
        {
            // Planning asks again, message by message, and reports what fails.
        }
    }

    /// <summary>The bundle fetched for <paramref name="deviceJid"/> in this pass, if any.</summary>
    public bool TryGet(string deviceJid, out PreKeyBundle bundle) => _bundles.TryGetValue(deviceJid, out bundle!);

    private async Task FetchAsync(LineConnection connection, List<Jid> chats, Jid me, Jid? meLid, CancellationToken cancellationToken)
    {
        var ownUser = new Jid(me.User, JidServers.WhatsApp).ToString();
        var users = chats.Select(c => c.ToString()).Append(ownUser).Distinct(StringComparer.Ordinal).ToList();
        var lists = await planner.DevicesAsync(connection, users, cancellationToken).ConfigureAwait(false);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chat in chats)
        {
            try
            {
                var (_, without) = await planner.AddressAsync(chat, me, meLid, lists, cancellationToken).ConfigureAwait(false);
                missing.UnionWith(without.Select(t => t.DeviceJid).Where(d => !_bundles.ContainsKey(d)));
            }
            catch (SendRefusedException)
            {
                // Planning refuses the message itself, with the reason.
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        foreach (var (deviceJid, bundle) in await planner.FetchBundlesAsync(connection, missing, cancellationToken).ConfigureAwait(false))
        {
            if (bundle is not null)
            {
                _bundles[deviceJid] = bundle;
            }
        }
    }
}
