using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Connection;

/// <summary>What a <c>&lt;stream:error&gt;</c> means for the line.</summary>
/// <param name="Code">The code attribute (515, 401, 503, …), or null.</param>
/// <param name="Conflict">The <c>conflict</c> child's type (<c>device_removed</c>, <c>replaced</c>), or null.</param>
/// <param name="FirstChildTag">The first child's tag, or null.</param>
public sealed record StreamErrorInfo(string? Code, string? Conflict, string? FirstChildTag)
{
    /// <summary>515: the server wants a fresh connection now (after pairing, or a server move).</summary>
    public bool IsRestartRequired => Code == "515";

    /// <summary>The device was unlinked (401 + <c>conflict type=device_removed</c>): logged out.</summary>
    public bool IsDeviceRemoved => Conflict == "device_removed" || (Code == "401" && Conflict is null);

    /// <summary>Another connection of the same device took over: do not reconnect.</summary>
    public bool IsReplaced => Conflict == "replaced";

    /// <summary>Reads a stream:error node.</summary>
    public static StreamErrorInfo Parse(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var first = node.FirstChild();
        var conflict = node.Child("conflict");
        return new StreamErrorInfo(node.Attr("code"), conflict is null ? null : conflict.Attr("type") ?? "", first?.Tag);
    }

    /// <inheritdoc />
    public override string ToString() => $"stream error code={Code ?? "-"} conflict={Conflict ?? "-"} child={FirstChildTag ?? "-"}";
}
