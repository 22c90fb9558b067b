using System.Collections.Concurrent;
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
/// first message was encrypted); with it, two per window, and the next windows are asked for while the one before is
/// encrypted and written (<see cref="Ahead"/>). A pass owns one instance and calls it from its one task; the fetches
/// of several windows run meanwhile, so the bundles are kept thread-safe.
/// </summary>
internal sealed class PlanPrefetch(SendPlanner planner)
{
    /// <summary>The queued messages whose chats are fetched together.</summary>
    public const int Window = 64;

    /// <summary>
    /// How many windows after the one being planned are asked for meanwhile: their answers arrive while the earlier
    /// windows are encrypted and written, so planning does not stop at every window to wait for two round trips.
    /// </summary>
    public const int Ahead = 2;

    private readonly ConcurrentDictionary<string, PreKeyBundle> _bundles = new(StringComparer.Ordinal);
    private readonly List<Task> _windows = [];
    private Dictionary<string, int>? _positions;

    /// <summary>
    /// Makes sure the window of <paramref name="pending"/> holding <paramref name="entry"/> was fetched (waiting for its
    /// answers), and that the <see cref="Ahead"/> windows after it are being fetched. A window is <see cref="Window"/>
    /// consecutive messages of <paramref name="pending"/>, counted from its start. A failed query is not fatal here:
    /// planning asks again for what is missing and reports the failure itself.
    /// </summary>
    public async Task EnsureAsync(LineConnection connection, IReadOnlyList<OutboundEntry> pending, OutboundEntry entry, Jid me, Jid? meLid, CancellationToken cancellationToken)
    {
        _positions ??= pending.Select((e, i) => (e.Message.MsgId, i)).ToDictionary(p => p.MsgId, p => p.i, StringComparer.Ordinal);
        if (!_positions.TryGetValue(entry.Message.MsgId, out var position))
        {
            return;
        }

        var window = position / Window;
        var last = Math.Min(window + Ahead, (pending.Count - 1) / Window);
        while (_windows.Count <= last)
        {
            var chats = pending.Skip(_windows.Count * Window).Take(Window)
                .Select(e => Jid.TryParse(e.ToJid, out var jid) ? jid : (Jid?)null)
                .OfType<Jid>()
                .Where(j => j.Server is JidServers.WhatsApp or JidServers.Lid)
                .Select(j => j with { Device = null, Agent = null })
                .Distinct()
                .ToList();
            // One chat: planning makes the same two queries itself.
            _windows.Add(chats.Count < 2 ? Task.CompletedTask : FetchWindowAsync(connection, chats, me, meLid, cancellationToken));
        }

        await _windows[window].ConfigureAwait(false);
    }

    /// <summary>The bundle fetched for <paramref name="deviceJid"/> in this pass, if any.</summary>
    public bool TryGet(string deviceJid, out PreKeyBundle bundle) => _bundles.TryGetValue(deviceJid, out bundle!);

    private async Task FetchWindowAsync(LineConnection connection, List<Jid> chats, Jid me, Jid? meLid, CancellationToken cancellationToken)
    {
        try
        {
            await FetchAsync(connection, chats, me, meLid, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nobody may be waiting for this window any more (the pass ended): planning asks again, message by message,
            // and reports what fails.
        }
    }

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
