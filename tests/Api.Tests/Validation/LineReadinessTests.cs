using WaEngine.Api.Validation;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Tests.Validation;

public class LineReadinessTests
{
    [Theory]
    [InlineData(SessionStatus.Starting)]
    [InlineData(SessionStatus.Connecting)]
    [InlineData(SessionStatus.Reconnecting)]
    [InlineData(SessionStatus.Connected)]
    public void A_paired_line_on_its_way_or_connected_takes_sends(SessionStatus status) => Assert.Null(LineReadiness.Refusal(7, status, paired: true));

    [Theory]
    [InlineData(SessionStatus.Stopped, true, "stopped")]
    [InlineData(SessionStatus.LoggedOut, true, "logged out")]
    [InlineData(SessionStatus.Failed, true, "failed")]
    [InlineData(SessionStatus.ScanQr, false, "not paired")]
    [InlineData(SessionStatus.PairingCode, false, "not paired")]
    [InlineData(SessionStatus.Connecting, false, "not paired")]
    [InlineData(SessionStatus.Stopped, false, "stopped")]
    public void Other_lines_refuse_with_a_sentence_naming_the_status(SessionStatus status, bool paired, string words)
    {
        var refusal = LineReadiness.Refusal(7, status, paired);
        Assert.NotNull(refusal);
        Assert.Contains(words, refusal, StringComparison.Ordinal);
        Assert.Contains("Line 7", refusal, StringComparison.Ordinal);
    }
}
