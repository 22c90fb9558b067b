using System.Collections.Concurrent;
using System.Globalization;
using WaEngine.Engine.Binary;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// What the server tells a device to read again: a companion linked to an account that is already in groups has
/// those groups marked dirty, and is told so after each login (after <c>&lt;ib&gt;&lt;offline/&gt;</c>) as
/// <c>&lt;ib&gt;&lt;dirty type="groups" timestamp/&gt;&lt;/ib&gt;</c> until it cleans the bit with
/// <c>iq set xmlns="urn:xmpp:whatsapp:dirty"</c> <c>&lt;clean type="groups"/&gt;</c> (Baileys answers it with
/// groupFetchAllParticipating and cleanDirtyBits('groups'); PROTOCOL-MAP §notifications). Kept in memory: a restarted
/// sandbox forgets bits not cleaned yet. Safe from any thread.
/// </summary>
public sealed class DirtyBits
{
    /// <summary>The dirty type for the account's group list.</summary>
    public const string Groups = "groups";

    private readonly ConcurrentDictionary<(string Device, string Type), long> _bits = new();
    private readonly ConcurrentDictionary<(string Device, string Type), int> _cleaned = new();

    /// <summary>Marks <paramref name="type"/> dirty for the device <paramref name="deviceJid"/> at <paramref name="timestamp"/> (unix seconds).</summary>
    public void Mark(string deviceJid, string type, long timestamp) => _bits[(deviceJid, type)] = timestamp;

    /// <summary>The device's dirty types with their timestamps.</summary>
    public IReadOnlyList<(string Type, long Timestamp)> Pending(string deviceJid) =>
        [.. _bits.Where(b => b.Key.Device == deviceJid).Select(b => (b.Key.Type, b.Value)).OrderBy(b => b.Type, StringComparer.Ordinal)];

    /// <summary>The device cleaned <paramref name="type"/>; false when it was not dirty.</summary>
    public bool Clean(string deviceJid, string type)
    {
        if (!_bits.TryRemove((deviceJid, type), out _))
        {
            return false;
        }

        _cleaned.AddOrUpdate((deviceJid, type), 1, (_, count) => count + 1);
        return true;
    }

    /// <summary>How often the device cleaned a bit of <paramref name="type"/> that was dirty.</summary>
    public int Cleaned(string deviceJid, string type) => _cleaned.TryGetValue((deviceJid, type), out var count) ? count : 0;

    /// <summary>The <c>ib</c> stanzas that tell <paramref name="deviceJid"/> what is dirty (none when nothing is).</summary>
    public IEnumerable<Node> Notices(string deviceJid) =>
        Pending(deviceJid).Select(b => new Node("ib", null, [new Node("dirty", NodeAttributes.Of(("type", b.Type), ("timestamp", b.Timestamp.ToString(CultureInfo.InvariantCulture))))]));
}
