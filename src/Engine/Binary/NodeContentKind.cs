namespace WaEngine.Engine.Binary;

/// <summary>What a <see cref="Node"/> carries after its attributes.</summary>
public enum NodeContentKind
{
    /// <summary>No content at all (the list size is odd on the wire).</summary>
    None,

    /// <summary>A list of child nodes, possibly empty.</summary>
    Children,

    /// <summary>Raw bytes (BINARY_8/20/32 on the wire).</summary>
    Bytes,

    /// <summary>A string written as a token, packed string or JID. A raw string is written as bytes and decodes as <see cref="Bytes"/>.</summary>
    Text,
}
