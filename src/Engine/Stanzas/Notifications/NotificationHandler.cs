using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Notifications;

/// <summary>
/// Notifications that belong to no other family. The router acks every notification before it reaches a handler.
/// Called only on the line's loop.
/// </summary>
internal sealed class NotificationHandler(IMessageStore messages)
{
    /// <summary>A <c>devices</c> notification: the user's device list changed, so our cached one is dropped.</summary>
    public async Task<StanzaOutcome> HandleDevicesAsync(Node notification, LineContext context)
    {
        if (notification.Attr("from") is { } from && Jid.TryParse(from, out var user))
        {
            await messages.ForgetDeviceListAsync((user with { Device = null, Agent = null }).ToString(), context.Lifetime).ConfigureAwait(false);
        }

        return StanzaOutcome.None;
    }
}
