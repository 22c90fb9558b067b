using WaEngine.Engine.Session;

namespace WaEngine.Engine.Tests.Session;

public class SessionStateMachineTests
{
    [Fact]
    public void A_first_pairing_walks_the_happy_path_and_reports_each_move()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-21T10:00:00Z"));
        var machine = new SessionStateMachine(time);
        var moves = new List<SessionStatusChanged>
        {
            machine.TransitionTo(SessionStatus.Starting, "start"),
            machine.TransitionTo(SessionStatus.ScanQr, "pair_device"),
            machine.TransitionTo(SessionStatus.Connecting, "pair_success"),
        };
        time.Advance(TimeSpan.FromSeconds(3));
        moves.Add(machine.TransitionTo(SessionStatus.Connected, "success"));

        Assert.Equal(SessionStatus.Connected, machine.Current);
        Assert.Equal("success", machine.LastReason);
        Assert.Equal(time.GetUtcNow(), machine.Since);
        Assert.Equal(
            [(SessionStatus.Stopped, SessionStatus.Starting), (SessionStatus.Starting, SessionStatus.ScanQr), (SessionStatus.ScanQr, SessionStatus.Connecting), (SessionStatus.Connecting, SessionStatus.Connected)],
            moves.Select(m => (m.From, m.To)));
    }

    [Theory]
    [InlineData(SessionStatus.Stopped, SessionStatus.Connected)]
    [InlineData(SessionStatus.Stopped, SessionStatus.LoggedOut)]
    [InlineData(SessionStatus.LoggedOut, SessionStatus.Connected)]
    [InlineData(SessionStatus.Failed, SessionStatus.Reconnecting)]
    [InlineData(SessionStatus.Connected, SessionStatus.ScanQr)]
    [InlineData(SessionStatus.Stopped, SessionStatus.Stopped)]
    public void Moves_the_table_forbids_are_refused_with_both_names(SessionStatus from, SessionStatus to)
    {
        var machine = new SessionStateMachine(TimeProvider.System, from);
        var ex = Assert.Throws<InvalidTransitionException>(() => machine.TransitionTo(to, "test"));
        Assert.Contains($"from {from.ToName()} to {to.ToName()}", ex.Message);
        Assert.Equal(from, machine.Current);
    }

    [Fact]
    public void Every_status_but_stopped_can_be_stopped_and_permanent_ends_need_a_new_start()
    {
        foreach (var status in Enum.GetValues<SessionStatus>().Where(s => s != SessionStatus.Stopped))
        {
            Assert.True(SessionStateMachine.CanMove(status, SessionStatus.Stopped), $"{status} cannot be stopped");
        }

        Assert.False(SessionStateMachine.CanMove(SessionStatus.LoggedOut, SessionStatus.Reconnecting));
        Assert.False(SessionStateMachine.CanMove(SessionStatus.Failed, SessionStatus.Connecting));
    }

    [Fact]
    public void Status_names_round_trip_as_the_contract_spells_them()
    {
        Assert.Equal(
            ["stopped", "starting", "scan_qr", "pairing_code", "connecting", "connected", "reconnecting", "logged_out", "failed"],
            Enum.GetValues<SessionStatus>().Select(s => s.ToName()));
        foreach (var status in Enum.GetValues<SessionStatus>())
        {
            Assert.Equal(status, SessionStatusNames.Parse(status.ToName()));
        }

        Assert.Null(SessionStatusNames.Parse("WORKING"));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
