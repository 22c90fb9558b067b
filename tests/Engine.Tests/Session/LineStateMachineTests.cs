using WaEngine.Engine.Session;

namespace WaEngine.Engine.Tests.Session;

public class LineStateMachineTests
{
    [Fact]
    public void A_first_pairing_walks_the_happy_path_and_reports_each_move()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-21T10:00:00Z"));
        var machine = new LineStateMachine(time);
        var moves = new List<LineStatusChange>
        {
            machine.TransitionTo(LineStatus.Starting, "start"),
            machine.TransitionTo(LineStatus.ScanQr, "pair_device"),
            machine.TransitionTo(LineStatus.Connecting, "pair_success"),
        };
        time.Advance(TimeSpan.FromSeconds(3));
        moves.Add(machine.TransitionTo(LineStatus.Connected, "success"));

        Assert.Equal(LineStatus.Connected, machine.Current);
        Assert.Equal("success", machine.LastReason);
        Assert.Equal(time.GetUtcNow(), machine.Since);
        Assert.Equal(
            [(LineStatus.Stopped, LineStatus.Starting), (LineStatus.Starting, LineStatus.ScanQr), (LineStatus.ScanQr, LineStatus.Connecting), (LineStatus.Connecting, LineStatus.Connected)],
            moves.Select(m => (m.From, m.To)));
    }

    [Theory]
    [InlineData(LineStatus.Stopped, LineStatus.Connected)]
    [InlineData(LineStatus.Stopped, LineStatus.LoggedOut)]
    [InlineData(LineStatus.LoggedOut, LineStatus.Connected)]
    [InlineData(LineStatus.Failed, LineStatus.Reconnecting)]
    [InlineData(LineStatus.Connected, LineStatus.ScanQr)]
    [InlineData(LineStatus.Stopped, LineStatus.Stopped)]
    public void Moves_the_table_forbids_are_refused_with_both_names(LineStatus from, LineStatus to)
    {
        var machine = new LineStateMachine(TimeProvider.System, from);
        var ex = Assert.Throws<InvalidTransitionException>(() => machine.TransitionTo(to, "test"));
        Assert.Contains($"from {from.ToName()} to {to.ToName()}", ex.Message);
        Assert.Equal(from, machine.Current);
    }

    [Fact]
    public void Every_status_but_stopped_can_be_stopped_and_permanent_ends_need_a_new_start()
    {
        foreach (var status in Enum.GetValues<LineStatus>().Where(s => s != LineStatus.Stopped))
        {
            Assert.True(LineStateMachine.CanMove(status, LineStatus.Stopped), $"{status} cannot be stopped");
        }

        Assert.False(LineStateMachine.CanMove(LineStatus.LoggedOut, LineStatus.Reconnecting));
        Assert.False(LineStateMachine.CanMove(LineStatus.Failed, LineStatus.Connecting));
    }

    [Fact]
    public void Status_names_round_trip_as_the_contract_spells_them()
    {
        Assert.Equal(
            ["stopped", "starting", "scan_qr", "pairing_code", "connecting", "connected", "reconnecting", "logged_out", "failed"],
            Enum.GetValues<LineStatus>().Select(s => s.ToName()));
        foreach (var status in Enum.GetValues<LineStatus>())
        {
            Assert.Equal(status, LineStatusNames.Parse(status.ToName()));
        }

        Assert.Null(LineStatusNames.Parse("WORKING"));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
