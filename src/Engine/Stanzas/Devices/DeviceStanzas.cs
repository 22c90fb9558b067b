using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Connection;

namespace WaEngine.Engine.Stanzas.Devices;

/// <summary>
/// The two queries a sender needs before it encrypts: which devices a user has (a <c>usync</c> query for devices and
/// LID) and the prekey bundles of devices it has no Signal session with (an <c>encrypt</c> key fetch).
/// </summary>
public static class DeviceStanzas
{
    /// <summary>Builds the usync device query for <paramref name="userJids"/> (bare JIDs).</summary>
    public static Node BuildDeviceQuery(string id, IEnumerable<string> userJids)
    {
        ArgumentNullException.ThrowIfNull(userJids);
        var users = userJids.Select(jid => new Node("user", NodeAttributes.Of(("jid", jid)))).ToList();
        var usync = new Node("usync", NodeAttributes.Of(("sid", id), ("mode", "query"), ("last", "true"), ("index", "0"), ("context", "message")), [
            new Node("query", null, [new Node("devices", NodeAttributes.Of(("version", "2"))), new Node("lid")]),
            new Node("list", null, users),
        ]);
        return ConnectionStanzas.BuildIq(id, "get", "usync", usync);
    }

    /// <summary>Reads the users, device ids and LIDs of a usync answer; users the server could not answer for are skipped.</summary>
    /// <exception cref="StanzaException">The answer is not a usync result.</exception>
    public static IReadOnlyList<UserDevices> ParseDeviceList(Node result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var list = result.RequiredChild("usync").RequiredChild("list");
        var users = new List<UserDevices>();
        foreach (var user in list.ChildrenNamed("user"))
        {
            var reader = new AttributeReader(user);
            var jid = reader.Jid("jid");
            reader.ThrowIfInvalid();
            var deviceList = user.Child("devices")?.Child("device-list");
            if (deviceList is null)
            {
                continue;
            }

            var ids = new List<int>();
            foreach (var device in deviceList.ChildrenNamed("device"))
            {
                var deviceReader = new AttributeReader(device);
                var deviceId = deviceReader.Int64("id");
                deviceReader.ThrowIfInvalid();
                if (deviceId is < 0 or > ushort.MaxValue)
                {
                    throw new StanzaException($"usync device id {deviceId} of {jid} is out of range (expected 0 to 65535).");
                }

                // Companions without a key index cannot be verified: WhatsApp clients skip them. A hosted (Cloud API)
                // device is kept for 1:1 messages (R4); it is recognised by its id, so one hosted under any other is skipped.
                if ((device.Attr("is_hosted") == "true" && deviceId != HostedDevice.Id) || (deviceId != 0 && device.Attr("key-index") is null))
                {
                    continue;
                }

                ids.Add((int)deviceId);
            }

            var lid = user.Child("lid")?.Attr("val");
            users.Add(new UserDevices((jid with { Device = null, Agent = null }).ToString(), ids, lid is { Length: > 0 } ? lid : null));
        }

        return users;
    }

    /// <summary>Builds the prekey bundle fetch for <paramref name="deviceJids"/> (device JIDs).</summary>
    public static Node BuildBundleQuery(string id, IEnumerable<string> deviceJids, bool forIdentityChange = false)
    {
        ArgumentNullException.ThrowIfNull(deviceJids);
        var users = deviceJids.Select(jid => forIdentityChange
            ? new Node("user", NodeAttributes.Of(("jid", jid), ("reason", "identity")))
            : new Node("user", NodeAttributes.Of(("jid", jid)))).ToList();
        return ConnectionStanzas.BuildIq(id, "get", "encrypt", new Node("key", null, users));
    }

    /// <summary>
    /// Reads the bundles of a key fetch answer by device JID. A user answered with an error maps to null (the device has
    /// no keys: it is skipped, as WhatsApp clients do).
    /// </summary>
    /// <exception cref="StanzaException">A bundle is malformed (wrong key or id lengths).</exception>
    public static IReadOnlyDictionary<string, PreKeyBundle?> ParseBundles(Node result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var bundles = new Dictionary<string, PreKeyBundle?>(StringComparer.Ordinal);
        foreach (var user in result.RequiredChild("list").ChildrenNamed("user"))
        {
            var reader = new AttributeReader(user);
            var jid = reader.Jid("jid");
            reader.ThrowIfInvalid();
            if (user.Child("error") is not null)
            {
                bundles[jid.ToString()] = null;
                continue;
            }

            var keys = user.Child("keys") ?? user;
            var registration = ReadId(user.RequiredChildBytes("registration"), 4, "registration", jid);
            var identity = keys.Child("identity") is not null ? keys.RequiredChildBytes("identity", 32) : user.RequiredChildBytes("identity", 32);
            var signed = keys.Child("skey") ?? user.RequiredChild("skey");
            var oneTime = keys.Child("key") ?? user.Child("key");
            bundles[jid.ToString()] = new PreKeyBundle(
                registration,
                jid.Device ?? 0,
                identity,
                ReadId(signed.RequiredChildBytes("id"), 3, "skey id", jid),
                signed.RequiredChildBytes("value", 32),
                signed.RequiredChildBytes("signature", 64),
                oneTime is null ? null : ReadId(oneTime.RequiredChildBytes("id"), 3, "key id", jid),
                oneTime?.RequiredChildBytes("value", 32));
        }

        return bundles;
    }

    /// <summary>Reads a big-endian id of 1 to <paramref name="maxBytes"/> bytes.</summary>
    internal static uint ReadId(ReadOnlySpan<byte> bytes, int maxBytes, string what, Jid jid)
    {
        if (bytes.Length == 0 || bytes.Length > maxBytes)
        {
            throw new StanzaException(string.Create(CultureInfo.InvariantCulture, $"The {what} of {jid} has {bytes.Length} bytes (expected 1 to {maxBytes})."));
        }

        uint value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }
}
