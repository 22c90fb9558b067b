using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>R17: a companion that announces no presence for 14 days is logged out at its next login (strict), counted (lenient).</summary>
public class CompanionActivityTests
{
    [Fact]
    public void R17_a_companion_silent_for_more_than_14_days_is_logged_out_and_one_that_pulses_is_not()
    {
        var time = new ManualTimeProvider();
        var rules = new RuleBook(strict: true, NullLogger<RuleBook>.Instance);
        var activity = new CompanionActivity(rules, time, CompanionActivity.DefaultLimit);

        // First seen at a login: its clock starts.
        Assert.False(activity.LogsOut("quiet", "15550009801", 1));
        Assert.False(activity.LogsOut("pulsing", "15550009802", 1));
        time.Advance(TimeSpan.FromDays(10));
        activity.Announced("15550009802", 1);
        Assert.False(activity.LogsOut("quiet", "15550009801", 1));

        time.Advance(TimeSpan.FromDays(5));
        Assert.True(activity.LogsOut("quiet", "15550009801", 1));
        Assert.False(activity.LogsOut("pulsing", "15550009802", 1));
        Assert.Equal(1, rules.BreachCount(ServerRule.R17));
        Assert.Equal(1, activity.Announcements("15550009802", 1));
    }

    [Fact]
    public void R17_a_lenient_sandbox_counts_an_inactive_companion_and_lets_it_in()
    {
        var time = new ManualTimeProvider();
        var rules = new RuleBook(strict: false, NullLogger<RuleBook>.Instance);
        var activity = new CompanionActivity(rules, time, CompanionActivity.DefaultLimit);
        Assert.False(activity.LogsOut("quiet", "15550009803", 2));
        time.Advance(TimeSpan.FromDays(15));
        Assert.False(activity.LogsOut("quiet", "15550009803", 2));
        Assert.Equal(1, rules.BreachCount(ServerRule.R17));
    }
}
