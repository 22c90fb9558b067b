using Microsoft.Extensions.Configuration;
using WaEngine.Api.Hosting;
using WaEngine.Store;

namespace WaEngine.Api.Tests.Hosting;

public sealed class StoreSettingsTests
{
    [Theory]
    [InlineData(null, SqliteSynchronous.Normal)]
    [InlineData("", SqliteSynchronous.Normal)]
    [InlineData("normal", SqliteSynchronous.Normal)]
    [InlineData(" NORMAL ", SqliteSynchronous.Normal)]
    [InlineData("full", SqliteSynchronous.Full)]
    [InlineData("Full", SqliteSynchronous.Full)]
    public void Store_synchronous_is_normal_unless_full_is_asked_for(string? value, SqliteSynchronous expected) =>
        Assert.Equal(expected, StoreSettings.SynchronousOf(Configuration(value)));

    [Theory]
    [InlineData("off")]
    [InlineData("2")]
    [InlineData("extra")]
    public void Any_other_value_stops_the_service_naming_the_setting_and_the_value(string value)
    {
        var wrong = Assert.Throws<InvalidOperationException>(() => StoreSettings.SynchronousOf(Configuration(value)));
        Assert.Contains("Store__Synchronous", wrong.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", wrong.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>(StoreSettings.SynchronousKey, value)]).Build();
}
