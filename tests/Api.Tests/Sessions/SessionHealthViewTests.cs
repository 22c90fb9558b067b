using WaEngine.Api.Sessions;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Tests.Sessions;

public class SessionHealthViewTests
{
    [Fact]
    public void Health_shows_connected_since_only_while_connected_and_passes_the_rest_through()
    {
        var since = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);
        var frame = since.AddSeconds(42);
        var connected = new LineHealth(LineStatus.Connected, "logged_in", since, true, true, frame, frame, 3, 2);
        Assert.Equal(new SessionHealthView(since, frame, 2, 5, 7), SessionHealthView.Of(connected, 5, 7));

        var reconnecting = connected with { Status = LineStatus.Reconnecting, SocketConnected = false, LoggedIn = false };
        Assert.Equal(new SessionHealthView(null, frame, 2, 5, 7), SessionHealthView.Of(reconnecting, 5, 7));
    }
}
