using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Notifications;

/// <summary>
/// An <c>encrypt</c> notification with <c>&lt;identity/&gt;</c>: a contact's account identity changed (a reinstall, a new
/// phone). Its sessions are stale, in both address namespaces, so they are dropped with its cached device lists: the next
/// message fetches fresh keys instead of writing to a session nobody can read. Our privacy token, if we ever issued it
/// to the contact, is issued once more (SERVER-RULES R16, R2). A companion's identity notification is ignored, as is
/// one about our own account. Called only on the line's loop.
/// </summary>
internal sealed partial class IdentityChangeHandler(IMessageStore messages, ISignalStore signal, PrivacyTokenKeeper tokens, ILogger logger)
{
    /// <summary>Handles the notification; the token re-issue runs in the background.</summary>
    public async Task<StanzaOutcome> HandleAsync(Node notification, LineContext context)
    {
        if (notification.Attr("from") is not { } from || !Jid.TryParse(from, out var sender)
            || sender.Server is not (JidServers.WhatsApp or JidServers.Lid) || sender.Device is > 0)
        {
            return StanzaOutcome.None;
        }

        var user = sender with { Device = null, Agent = null };
        var me = context.Credentials;
        if (me?.Me is { } own && Jid.TryParse(own, out var ownPn) && ownPn.User == user.User
            || me?.Lid is { } ownLidText && Jid.TryParse(ownLidText, out var ownLid) && ownLid.User == user.User)
        {
            return StanzaOutcome.None;
        }

        var other = user.Server == JidServers.Lid
            ? await messages.FindPnForLidAsync(user.ToString(), context.Lifetime).ConfigureAwait(false)
            : await messages.FindLidForPnAsync(user.ToString(), context.Lifetime).ConfigureAwait(false);
        var dropped = 0;
        foreach (var jid in other is not null && Jid.TryParse(other, out var otherJid) ? [user, otherJid with { Device = null, Agent = null }] : new[] { user })
        {
            dropped += await ForgetSessionsAsync(jid, context.Lifetime).ConfigureAwait(false);
        }

        var contact = await tokens.ContactKeyAsync(user.ToString(), context.Lifetime).ConfigureAwait(false);
        LogIdentityChanged(logger, user.ToString(), dropped);
        if (context.Connection is not { } connection || !context.LoggedIn)
        {
            return StanzaOutcome.None;
        }

        return StanzaOutcome.Run("privacy_token_identity", (_, cancellationToken) => tokens.ReissueAsync(connection, contact, cancellationToken));
    }

    private async Task<int> ForgetSessionsAsync(Jid user, CancellationToken cancellationToken)
    {
        var domain = user.Server == JidServers.Lid ? SignalAddress.LidDomainType : 0;
        var list = await messages.GetDeviceListAsync(user.ToString(), cancellationToken).ConfigureAwait(false);
        var deviceIds = (list?.DeviceIds ?? []).Append(0).Distinct();
        var dropped = 0;
        foreach (var device in deviceIds)
        {
            var address = SignalAddress.ForUser(user.User, domain, (uint)device);
            if (await signal.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) is not null)
            {
                await signal.Sessions.DeleteSessionAsync(address, cancellationToken).ConfigureAwait(false);
                dropped++;
            }
        }

        await messages.ForgetDeviceListAsync(user.ToString(), cancellationToken).ConfigureAwait(false);
        return dropped;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity of {Contact} changed: {Count} session(s) and its device lists dropped")]
    private static partial void LogIdentityChanged(ILogger logger, string contact, int count);
}
