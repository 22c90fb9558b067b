namespace WaEngine.Dashboard.Tests;

/// <summary>The tests that share one <see cref="DashboardFixture"/> (run one after another: the 2 cores are shared).</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
