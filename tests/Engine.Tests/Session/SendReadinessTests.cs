using WaEngine.Engine.Session;

namespace WaEngine.Engine.Tests.Session;

public class SendReadinessTests
{
    [Theory]
    [InlineData(LineStatus.Starting)]
    [InlineData(LineStatus.Connecting)]
    [InlineData(LineStatus.Reconnecting)]
    [InlineData(LineStatus.Connected)]
    public void A_paired_line_on_its_way_or_connected_takes_sends(LineStatus status) => Assert.Null(SendReadiness.Refusal(new LineId(7), status, paired: true));

    [Theory]
    [InlineData(LineStatus.Stopped, true, "stopped")]
    [InlineData(LineStatus.LoggedOut, true, "logged out")]
    [InlineData(LineStatus.Failed, true, "failed")]
    [InlineData(LineStatus.ScanQr, false, "not paired")]
    [InlineData(LineStatus.PairingCode, false, "not paired")]
    [InlineData(LineStatus.Connecting, false, "not paired")]
    [InlineData(LineStatus.Stopped, false, "stopped")]
    public void Other_lines_refuse_with_a_sentence_naming_the_status(LineStatus status, bool paired, string words)
    {
        var refusal = SendReadiness.Refusal(new LineId(7), status, paired);
        Assert.NotNull(refusal);
        Assert.Contains(words, refusal, StringComparison.Ordinal);
        Assert.Contains("Line 7", refusal, StringComparison.Ordinal);
    }
}
