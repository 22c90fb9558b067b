using WaEngine.Engine.Stanzas;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Protocol;

public class LoginDispatcherTests
{
    [Theory]
    [InlineData(15550001111UL, 0U)]
    [InlineData(15550001111UL, 3U)]
    [InlineData(15550009999UL, 1U)]
    public async Task A_login_of_a_device_the_sandbox_did_not_pair_gets_failure_401(ulong phone, uint device)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.CreateAccountAsync("15550001111");

        await using var client = await InMemoryClient.ConnectAsync(sandbox, InMemoryClient.LoginPayload(phone, device));
        var failure = await client.ReceiveAsync();

        Assert.Equal("failure", failure.Tag);
        Assert.Equal("401", failure.Attr("reason"));
        await client.Served.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(sandbox.Runtime.Network.IsOnline(phone.ToString(System.Globalization.CultureInfo.InvariantCulture), (int)device));
    }
}
