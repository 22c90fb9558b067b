using System.Text;
using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas;

/// <summary>Small lookups over a <see cref="Node"/> that stanza handlers on both sides (engine and sandbox) use.</summary>
public static class NodeQueries
{
    /// <summary>The first child with <paramref name="tag"/>, or null.</summary>
    public static Node? Child(this Node node, string tag)
    {
        foreach (var child in node.Children)
        {
            if (child.Tag == tag)
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>The first child with <paramref name="tag"/>, or a <see cref="StanzaException"/> naming the stanza.</summary>
    public static Node RequiredChild(this Node node, string tag) =>
        node.Child(tag) ?? throw new StanzaException($"<{node.Tag}{IdOf(node)}> has no <{tag}> child.");

    /// <summary>Every child with <paramref name="tag"/>, in order.</summary>
    public static IEnumerable<Node> ChildrenNamed(this Node node, string tag)
    {
        foreach (var child in node.Children)
        {
            if (child.Tag == tag)
            {
                yield return child;
            }
        }
    }

    /// <summary>The first child, or null when there are none.</summary>
    public static Node? FirstChild(this Node node) => node.Children.Count > 0 ? node.Children[0] : null;

    /// <summary>The value of attribute <paramref name="key"/>, or null.</summary>
    public static string? Attr(this Node node, string key) => node.Attributes.GetValueOrDefault(key);

    /// <summary>
    /// The node's content as bytes: its binary content, or the UTF-8 of its text (peers sometimes send short values
    /// such as "0" as text where others send bytes). Empty when it has neither.
    /// </summary>
    public static ReadOnlyMemory<byte> ContentBytes(this Node node) => node.ContentKind switch
    {
        NodeContentKind.Bytes => node.Bytes,
        NodeContentKind.Text => Encoding.UTF8.GetBytes(node.Text!),
        _ => ReadOnlyMemory<byte>.Empty,
    };

    /// <summary>The content bytes of child <paramref name="tag"/>, checked to be exactly <paramref name="length"/> long when given.</summary>
    public static byte[] RequiredChildBytes(this Node node, string tag, int? length = null)
    {
        var bytes = node.RequiredChild(tag).ContentBytes();
        if (length is { } expected && bytes.Length != expected)
        {
            throw new StanzaException($"<{tag}> in <{node.Tag}{IdOf(node)}> has {bytes.Length} bytes (expected {expected}).");
        }

        return bytes.ToArray();
    }

    /// <summary>" id=…" for messages, or empty.</summary>
    internal static string IdOf(Node node) => node.Attr("id") is { } id ? $" id={id}" : "";
}
