using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>The outgoing group <c>&lt;message&gt;</c> (PROTOCOL-MAP §8): to the group, the sender key parts, then the <c>skmsg</c>.</summary>
public static class GroupMessageStanzas
{
    /// <summary>
    /// <c>&lt;message id to=group type [edit] addressing_mode [phash]&gt;[&lt;participants&gt;…SKDM per device…&lt;/participants&gt;]
    /// &lt;enc type=skmsg/&gt;[&lt;device-identity/&gt;]&lt;/message&gt;</c>; the device identity rides along when any part is a pkmsg.
    /// </summary>
    public static Node BuildGroupMessage(string id, string groupJid, string type, string? edit, bool lidAddressing, string? phash,
        IReadOnlyList<Node> keyParts, Node skmsg, byte[]? deviceIdentity)
    {
        ArgumentNullException.ThrowIfNull(keyParts);
        var attributes = new List<(string, string)> { ("id", id), ("to", groupJid), ("type", type) };
        if (edit is not null)
        {
            attributes.Add(("edit", edit));
        }

        attributes.Add(("addressing_mode", lidAddressing ? "lid" : "pn"));
        if (phash is not null)
        {
            attributes.Add(("phash", phash));
        }

        var children = new List<Node>();
        if (keyParts.Count > 0)
        {
            children.Add(new Node("participants", null, keyParts));
        }

        children.Add(skmsg);
        if (deviceIdentity is { Length: > 0 } && keyParts.Any(p => p.ChildrenNamed("enc").Any(e => e.Attr("type") == "pkmsg")))
        {
            children.Add(new Node("device-identity", null, deviceIdentity));
        }

        return new Node("message", NodeAttributes.Of([.. attributes]), children);
    }
}
