using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>Structural node equality with a message naming the first difference and where it is.</summary>
internal static class NodeAssert
{
    public static void Equal(Node expected, Node actual, string context = "")
    {
        var difference = FindDifference(expected, actual, expected.Tag);
        if (difference is not null)
        {
            Assert.Fail($"{context} {difference}\nexpected: {Shorten(expected)}\nactual:   {Shorten(actual)}");
        }
    }

    public static string? FindDifference(Node expected, Node actual, string path)
    {
        if (expected.Tag != actual.Tag)
        {
            return $"{path}: tag '{actual.Tag}' (expected '{expected.Tag}')";
        }

        if (expected.Attributes.Count != actual.Attributes.Count)
        {
            return $"{path}: {actual.Attributes.Count} attributes (expected {expected.Attributes.Count})";
        }

        for (var i = 0; i < expected.Attributes.Count; i++)
        {
            if (!expected.Attributes[i].Equals(actual.Attributes[i]))
            {
                return $"{path}: attribute #{i} {actual.Attributes[i]} (expected {expected.Attributes[i]})";
            }
        }

        if (expected.ContentKind != actual.ContentKind)
        {
            return $"{path}: content {actual.ContentKind} (expected {expected.ContentKind})";
        }

        switch (expected.ContentKind)
        {
            case NodeContentKind.Bytes when !expected.Bytes.Span.SequenceEqual(actual.Bytes.Span):
                return $"{path}: {actual.Bytes.Length} content bytes differ from the expected {expected.Bytes.Length}";
            case NodeContentKind.Text when expected.Text != actual.Text:
                return $"{path}: text '{actual.Text}' (expected '{expected.Text}')";
            case NodeContentKind.Children:
                if (expected.Children.Count != actual.Children.Count)
                {
                    return $"{path}: {actual.Children.Count} children (expected {expected.Children.Count})";
                }

                for (var i = 0; i < expected.Children.Count; i++)
                {
                    var inner = FindDifference(expected.Children[i], actual.Children[i], $"{path}/{i}:{expected.Children[i].Tag}");
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                break;
        }

        return null;
    }

    private static string Shorten(Node node)
    {
        var text = node.ToString();
        return text.Length <= 600 ? text : text[..600] + "…";
    }
}
