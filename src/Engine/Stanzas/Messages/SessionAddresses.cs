using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Where the one Signal session with a device lives. WhatsApp's clients keep a single session per device, under its LID
/// once the phone number's LID is known (Baileys 7 resolves every phone-number address to the LID one before loading or
/// storing a session and moves the phone-number session over; whatsmeow migrates its session store the same way), so a
/// peer that learnt the mapping answers a phone-number stanza with the session it keeps under the LID. Keeping two
/// sessions here, one per addressing, made such messages fail with a bad MAC. A phone-number session met after the
/// mapping is known is moved to the LID address; when both exist (a store written before this rule) the LID one is used
/// for sending and the phone-number one is still tried for decrypting, and kept under the LID if it is the one that works.
/// </summary>
internal sealed partial class SessionAddresses(ISignalStore signal, IMessageStore messages, ILogger logger)
{
    private const int MappingCacheLimit = 20_000;
    private readonly ConcurrentDictionary<string, string> _lidOfPn = new(StringComparer.Ordinal);

    /// <summary>The address of <paramref name="device"/>'s session, moving a phone-number session to the LID address when it is known.</summary>
    /// <param name="device">The device as a stanza names it (phone number or LID).</param>
    /// <param name="knownLid">The device's LID user when the caller already knows it (the stanza's <c>sender_lid</c>, our own LID).</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async Task<SignalAddress> ForDeviceAsync(Jid device, Jid? knownLid, CancellationToken cancellationToken)
    {
        var direct = SendPlanner.AddressOf(device);
        if (device.Server != JidServers.WhatsApp)
        {
            return direct;
        }

        var lidUser = knownLid is { } hint ? hint.User : await LidUserOfAsync(device, cancellationToken).ConfigureAwait(false);
        if (lidUser is null)
        {
            return direct;
        }

        var canonical = SignalAddress.ForUser(lidUser, SignalAddress.LidDomainType, device.Device ?? 0);
        if (await signal.Sessions.LoadSessionAsync(direct, cancellationToken).ConfigureAwait(false) is { } old
            && await signal.Sessions.LoadSessionAsync(canonical, cancellationToken).ConfigureAwait(false) is not { HasCurrentSession: true })
        {
            await MoveAsync(direct, canonical, old, cancellationToken).ConfigureAwait(false);
        }

        return canonical;
    }

    /// <summary>
    /// The phone-number address to try when decrypting at <paramref name="canonical"/> failed: only when a session is still
    /// kept there (both existed), else null.
    /// </summary>
    public async Task<SignalAddress?> FallbackAsync(Jid device, SignalAddress canonical, CancellationToken cancellationToken)
    {
        var direct = SendPlanner.AddressOf(device);
        if (direct == canonical)
        {
            return null;
        }

        return await signal.Sessions.LoadSessionAsync(direct, cancellationToken).ConfigureAwait(false) is { HasCurrentSession: true } ? direct : null;
    }

    /// <summary>After the fallback session decrypted, keeps it under the LID address (the peer uses it) and drops the other.</summary>
    public async Task AdoptAsync(SignalAddress fallback, SignalAddress canonical, CancellationToken cancellationToken)
    {
        if (await signal.Sessions.LoadSessionAsync(fallback, cancellationToken).ConfigureAwait(false) is { } record)
        {
            await MoveAsync(fallback, canonical, record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Learns a mapping the caller just read from a stanza, so the next lookups need no query.</summary>
    public void Remember(Jid pnUser, Jid lidUser)
    {
        if (_lidOfPn.Count >= MappingCacheLimit)
        {
            _lidOfPn.Clear();
        }

        _lidOfPn[pnUser.User] = lidUser.User;
    }

    private async Task<string?> LidUserOfAsync(Jid device, CancellationToken cancellationToken)
    {
        if (_lidOfPn.TryGetValue(device.User, out var cached))
        {
            return cached;
        }

        var user = new Jid(device.User, JidServers.WhatsApp).ToString();
        if (await messages.FindLidForPnAsync(user, cancellationToken).ConfigureAwait(false) is { } lid && Jid.TryParse(lid, out var lidJid))
        {
            Remember(device, lidJid);
            return lidJid.User;
        }

        return null;
    }

    private async Task MoveAsync(SignalAddress from, SignalAddress to, SessionRecord record, CancellationToken cancellationToken)
    {
        var change = new SignalStateChange().WithSession(to, record);
        if (await signal.Identities.GetRemoteIdentityAsync(to, cancellationToken).ConfigureAwait(false) is null
            && await signal.Identities.GetRemoteIdentityAsync(from, cancellationToken).ConfigureAwait(false) is { } identity)
        {
            change.WithIdentity(to, identity);
        }

        await signal.CommitAsync(change, cancellationToken).ConfigureAwait(false);
        await signal.Sessions.DeleteSessionAsync(from, cancellationToken).ConfigureAwait(false);
        LogMoved(logger, from.ToString(), to.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal session of {From} moved to {To}: one session per device, under its LID")]
    private static partial void LogMoved(ILogger logger, string from, string to);
}
