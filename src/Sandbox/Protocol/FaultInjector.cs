using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// Injects faults on a device (control API <c>POST /sandbox/faults</c>): a drop or a stream error ends its live
/// connection now, hostile frames (<see cref="HostileFrames"/>) go to it now; the other kinds are armed on the device
/// and consumed as its stanzas pass.
/// </summary>
internal sealed class FaultInjector(AccountRegistry accounts, DeviceDirectory devices, TimeProvider time)
{
    /// <summary>Injects <paramref name="kind"/> on the device <paramref name="deviceJid"/>.</summary>
    /// <exception cref="SandboxInputException">
    /// 400 for a JID or code that does not parse, 404 for a device the sandbox does not have, 409 for a drop, stream
    /// error or hostile frame on a device that is not connected.
    /// </exception>
    public async Task InjectAsync(string deviceJid, FaultKind kind, string? code, int ms, int count, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(deviceJid, out var jid) || jid.User.Length == 0)
        {
            throw new SandboxInputException($"device_jid '{deviceJid}' is not a device JID (e.g. 15550001111:1@s.whatsapp.net).", 400, "device_jid");
        }

        var account = await accounts.FindByJidAsync(jid with { Device = null }, cancellationToken).ConfigureAwait(false);
        var deviceId = jid.Device ?? 0;
        if (account is null || account.Devices.All(d => d.DeviceId != deviceId))
        {
            throw new SandboxInputException($"No device {deviceJid} in the sandbox.", 404, "device_jid");
        }

        switch (kind)
        {
            case FaultKind.Drop:
            case FaultKind.StreamError:
                var connection = devices.Find(account.Phone, deviceId)
                    ?? throw new SandboxInputException($"Device {deviceJid} is not connected.", 409, "device_jid");
                await connection.CloseAsync(kind == FaultKind.Drop ? null : StreamErrorFor(code)).ConfigureAwait(false);
                break;
            case FaultKind.MalformedNode:
            case FaultKind.OversizedFrame:
            case FaultKind.UnknownStanza:
                var target = devices.Find(account.Phone, deviceId)
                    ?? throw new SandboxInputException($"Device {deviceJid} is not connected.", 409, "device_jid");
                HostileFrames.Send(target, kind);
                break;
            default:
                int? numeric = int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                if (code is not null && numeric is null)
                {
                    throw new SandboxInputException($"code '{code}' must be a number for {kind}.", 400, "code");
                }

                // Count 0 disarms the kind (the control API's default, when count is absent, is 1).
                devices.Faults(account.Phone, deviceId).Arm(kind, Math.Max(count, 0), ms, numeric, time.GetUtcNow());
                break;
        }
    }

    private static Node StreamErrorFor(string? code) => code switch
    {
        null or "" => ServerConnection.StreamError("515"),
        "conflict" or "replaced" => ServerConnection.StreamError(null, "conflict", ("type", "replaced")),
        "401" or "device_removed" => ServerConnection.StreamError("401", "conflict", ("type", "device_removed")),
        _ when int.TryParse(code, CultureInfo.InvariantCulture, out _) => ServerConnection.StreamError(code),
        _ => throw new SandboxInputException($"code '{code}' is not a stream error code (515, 503, 401, conflict).", 400, "code"),
    };
}
