using System.Text;

namespace WaEngine.Engine.Binary;

/// <summary>
/// One element of the binary XML-like protocol: a tag, attributes and optional content (children, bytes or text).
/// Immutable: the constructors copy the children.
/// </summary>
public sealed class Node
{
    /// <summary>Creates a node without content.</summary>
    public Node(string tag, NodeAttributes? attributes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        Tag = tag;
        Attributes = attributes ?? NodeAttributes.Empty;
        Children = [];
    }

    /// <summary>Creates a node whose content is a (possibly empty) list of children.</summary>
    public Node(string tag, NodeAttributes? attributes, IEnumerable<Node> children)
        : this(tag, attributes)
    {
        ArgumentNullException.ThrowIfNull(children);
        Node[] copy = [.. children];
        foreach (var child in copy)
        {
            ArgumentNullException.ThrowIfNull(child, nameof(children));
        }

        Children = copy;
        ContentKind = NodeContentKind.Children;
    }

    /// <summary>Creates a node whose content is raw bytes; the memory is kept, not copied.</summary>
    public Node(string tag, NodeAttributes? attributes, ReadOnlyMemory<byte> bytes)
        : this(tag, attributes)
    {
        Bytes = bytes;
        ContentKind = NodeContentKind.Bytes;
    }

    /// <summary>Creates a node whose content is a string.</summary>
    public Node(string tag, NodeAttributes? attributes, string text)
        : this(tag, attributes)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        ContentKind = NodeContentKind.Text;
    }

    /// <summary>The element name, never empty.</summary>
    public string Tag { get; }

    /// <summary>The attributes in wire order.</summary>
    public NodeAttributes Attributes { get; }

    /// <summary>Which of <see cref="Children"/>, <see cref="Bytes"/> or <see cref="Text"/> is the content, if any.</summary>
    public NodeContentKind ContentKind { get; }

    /// <summary>The children when <see cref="ContentKind"/> is <see cref="NodeContentKind.Children"/>; otherwise empty.</summary>
    public IReadOnlyList<Node> Children { get; }

    /// <summary>The bytes when <see cref="ContentKind"/> is <see cref="NodeContentKind.Bytes"/>; otherwise empty.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The string when <see cref="ContentKind"/> is <see cref="NodeContentKind.Text"/>; otherwise null.</summary>
    public string? Text { get; }

    /// <summary>An XML-like rendering for diagnostics (bytes as hex). Never log it above Trace: it can hold message content.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Render(builder);
        return builder.ToString();
    }

    private void Render(StringBuilder builder)
    {
        builder.Append('<').Append(Tag);
        foreach (var (key, value) in Attributes)
        {
            builder.Append(' ').Append(key).Append("=\"").Append(value).Append('"');
        }

        switch (ContentKind)
        {
            case NodeContentKind.None:
                builder.Append("/>");
                return;
            case NodeContentKind.Children:
                builder.Append('>');
                foreach (var child in Children)
                {
                    child.Render(builder);
                }

                break;
            case NodeContentKind.Bytes:
                builder.Append(">0x").Append(Convert.ToHexString(Bytes.Span));
                break;
            default:
                builder.Append('>').Append(Text);
                break;
        }

        builder.Append("</").Append(Tag).Append('>');
    }
}
