namespace WaEngine.Api.Tests;

/// <summary>The tests that share one <see cref="LineApiFixture"/> (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class LineApiCollection : ICollectionFixture<LineApiFixture>
{
    public const string Name = "line api";
}
