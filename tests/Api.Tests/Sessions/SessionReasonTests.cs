using WaEngine.Api.Sessions;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Tests.Sessions;

public class SessionReasonTests
{
    [Theory]
    [InlineData(LineStatus.Failed, "qr_refs_ended", "qr_refs_ended")]
    [InlineData(LineStatus.Failed, "client_outdated", "client_outdated")]
    [InlineData(LineStatus.LoggedOut, "device_removed", "device_removed")]
    [InlineData(LineStatus.LoggedOut, "logout", "logout")]
    [InlineData(LineStatus.Reconnecting, "stream_error_515", "stream_error_515")]
    [InlineData(LineStatus.Stopped, "store_error: disk full", "store_error: disk full")]
    [InlineData(LineStatus.Stopped, "stop", null)]
    [InlineData(LineStatus.Stopped, "created", null)]
    [InlineData(LineStatus.Starting, "start", null)]
    [InlineData(LineStatus.ScanQr, "qr", null)]
    [InlineData(LineStatus.PairingCode, "pairing_code", null)]
    [InlineData(LineStatus.Connecting, "stream_error_515", null)]
    [InlineData(LineStatus.Connecting, "reconnect", null)]
    [InlineData(LineStatus.Connecting, "start", null)]
    [InlineData(LineStatus.Connecting, "login_unanswered", "login_unanswered")]
    [InlineData(LineStatus.Connecting, "keepalive_timeout", "keepalive_timeout")]
    [InlineData(LineStatus.Connecting, "connect_failed: refused", "connect_failed: refused")]
    [InlineData(LineStatus.Connected, "logged_in", null)]
    public void The_view_explains_only_where_there_is_something_to_explain(LineStatus status, string lastReason, string? shown) =>
        Assert.Equal(shown, SessionReason.Of(status, lastReason));
}
