using GaitGateway.Coaching.Load;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Tests;

public class LoadHistoryTests
{
    private static readonly DateTimeOffset Day0 = new(2025, 6, 2, 7, 0, 0, TimeSpan.Zero); // a Monday

    private static SessionLoad S(long id, double day, double longestMin, double calf, double runningMin = double.NaN, string? plan = null) =>
        new(id, Day0.AddDays(day), (double.IsNaN(runningMin) ? longestMin : runningMin) * 60, longestMin * 60, calf, longestMin * 60 * 2.6, plan);

    [Theory]
    [InlineData(10.0, SpikeBand.None)]
    [InlineData(10.5, SpikeBand.Small)]
    [InlineData(30.0, SpikeBand.Small)]
    [InlineData(31.0, SpikeBand.Moderate)]
    [InlineData(100.0, SpikeBand.Moderate)]
    [InlineData(101.0, SpikeBand.Large)]
    [InlineData(-40.0, SpikeBand.None)]
    public void Bands_follow_Frandsen_2025(double increasePct, SpikeBand band) =>
        Assert.Equal(band, new LoadHistory([]).BandFor(increasePct));

    [Fact]
    public void Week_5_run_3_jump_from_8_to_20_minutes_is_a_large_spike()
    {
        var h = new LoadHistory([S(1, 0, 5, 600), S(2, 2, 8, 900), S(3, 4, 20, 2100)]);

        var spike = h.Spikes[2];
        Assert.Equal(SpikeBand.Large, spike.LongestRun.Band);
        Assert.Equal(150, spike.LongestRun.IncreasePct, 6);
        Assert.Equal(8 * 60, spike.LongestRun.Reference);
        Assert.Equal(SpikeBand.Large, spike.CalfLoad.Band); // 2100 vs 900 = +133 %
        Assert.Equal(SpikeBand.Large, spike.Band);
        Assert.Equal(SpikeBand.None, h.Spikes[0].Band); // nothing to compare with
        Assert.True(double.IsNaN(h.Spikes[0].LongestRun.IncreasePct));
        Assert.Equal(SpikeBand.Moderate, h.Spikes[1].LongestRun.Band); // 8 vs 5 = +60 %
    }

    [Fact]
    public void Only_the_previous_30_days_count()
    {
        var h = new LoadHistory([S(1, 0, 30, 3000), S(2, 31, 10, 1000), S(3, 40, 12, 1250)]);
        Assert.Equal(SpikeBand.None, h.Spikes[1].Band);           // the 30-min run is 31 days back
        Assert.Equal(SpikeBand.Small, h.Spikes[2].LongestRun.Band); // 12 vs 10 = +20 %
        Assert.Equal(SpikeBand.Small, h.Spikes[2].CalfLoad.Band);   // +25 %
    }

    [Fact]
    public void A_calf_load_spike_is_flagged_even_when_the_longest_run_is_unchanged()
    {
        var h = new LoadHistory([S(1, 0, 10, 1000), S(2, 3, 10, 1500)]);
        Assert.Equal(SpikeBand.None, h.Spikes[1].LongestRun.Band);
        Assert.Equal(SpikeBand.Moderate, h.Spikes[1].CalfLoad.Band);
        Assert.Equal(SpikeBand.Moderate, h.Spikes[1].Band);
    }

    [Fact]
    public void SpikeFor_checks_a_live_session_that_is_not_in_the_history()
    {
        var h = new LoadHistory([S(1, 0, 8, 900)]);
        var live = S(99, 2, 8.5, 1300);
        var spike = h.SpikeFor(live);
        Assert.Equal(SpikeBand.None, spike.LongestRun.Band);  // +6 %
        Assert.Equal(SpikeBand.Moderate, spike.CalfLoad.Band); // +44 %
    }

    [Fact]
    public void Weeks_sum_running_time_and_calf_load_and_flag_fast_increases()
    {
        // Week 1: 3 × 8 min; week 2 empty; week 3: 3 × 9 min; week 4: 3 × 16 min (+78 %).
        var sessions = new List<SessionLoad>();
        long id = 1;
        foreach (var (week, min) in new[] { (0, 8.0), (2, 9.0), (3, 16.0) })
            for (var d = 0; d < 3; d++) sessions.Add(S(id++, (week * 7) + (d * 2), min / 2, min * 100, min));
        var h = new LoadHistory(sessions);

        Assert.Equal(4, h.Weeks.Count);
        Assert.Equal(new DateOnly(2025, 6, 2), h.Weeks[0].WeekStart);
        Assert.Equal(DayOfWeek.Monday, h.Weeks[3].WeekStart.DayOfWeek);
        Assert.Equal(3 * 8 * 60, h.Weeks[0].RunningTimeS, 6);
        Assert.Equal(0, h.Weeks[1].Sessions);
        Assert.True(double.IsNaN(h.Weeks[2].RunningChangePct)); // after an empty week
        Assert.Equal((16.0 / 9 - 1) * 100, h.Weeks[3].RunningChangePct, 6);
        Assert.True(h.Weeks[3].FastIncrease);
        Assert.False(h.Weeks[2].FastIncrease);
        Assert.Equal(3 * 16 * 100, h.Weeks[3].CalfLoad, 6);
    }

    [Fact]
    public void Session_load_comes_from_the_bouts()
    {
        BoutSummary[] bouts =
        [
            new() { Gait = Gait.Walk, StartTimeS = 0, EndTimeS = 300, CalfLoad = 30, DistanceM = 450 },
            new() { Gait = Gait.Run, StartTimeS = 300, EndTimeS = 900, CalfLoad = 500, DistanceM = 1560 },
            new() { Gait = Gait.Walk, StartTimeS = 900, EndTimeS = 1080, CalfLoad = 20, DistanceM = 270 },
            new() { Gait = Gait.Run, StartTimeS = 1080, EndTimeS = 1680, CalfLoad = double.NaN, DistanceM = 1500 },
        ];
        var s = SessionLoad.FromBouts(7, Day0, bouts, "c25k-w6r2");
        Assert.Equal(1200, s.RunningTimeS, 6);
        Assert.Equal(600, s.LongestRunS, 6);
        Assert.Equal(550, s.CalfLoad, 6);
        Assert.Equal(3060, s.RunningDistanceM, 6);
        Assert.Equal("c25k-w6r2", s.Plan);
    }

    [Fact]
    public void Simulated_C25K_sessions_give_the_plans_longest_runs()
    {
        var w6r2 = TestData.Simulate("c25k-w6r2");
        var load = SessionLoad.FromBouts(1, Day0, w6r2.Bouts);
        Assert.InRange(load.LongestRunS, 9.5 * 60, 10.5 * 60);
        Assert.InRange(load.RunningTimeS, 19.5 * 60, 20.5 * 60);
        Assert.True(load.CalfLoad > 0);
    }

    [Fact]
    public void C25K_check_sees_a_runner_going_faster_than_the_plan()
    {
        // Last session W5R1 (longest 5 min), then in W5R2 (plan: 8 min) the runner "really pushed" and ran 20 min.
        var h = new LoadHistory([S(1, 0, 5, 600, 15)]);
        var pushed = S(2, 2, 20, 2400);
        var check = h.CheckC25k(pushed, C25kPlan.Get(5, 2));
        Assert.Equal(60, check.PlanRisePct, 6);         // 5 → 8 min
        Assert.Equal(300, check.ActualRisePct, 6);      // 5 → 20 min
        Assert.True(check.LongestAbovePlan);
        Assert.True(check.RisesFasterThanPlan);

        // The same 20 minutes as W5R3, after W5R2's 8 minutes, is exactly the plan (still a large spike by Frandsen).
        var h2 = new LoadHistory([S(1, 0, 8, 900, 16)]);
        var onPlan = h2.CheckC25k(S(2, 2, 20, 2100), C25kPlan.Get(5, 3));
        Assert.False(onPlan.LongestAbovePlan);
        Assert.False(onPlan.RisesFasterThanPlan);
        Assert.Equal(150, onPlan.PlanRisePct, 6);
        Assert.Equal(SpikeBand.Large, h2.SpikeFor(S(2, 2, 20, 2100)).LongestRun.Band);
    }

    [Theory]
    [InlineData("c25k-w6r2", 6, 2, 10, 20)]
    [InlineData("C25K W5R3", 5, 3, 20, 20)]
    [InlineData("w1r1", 1, 1, 1, 8)]
    [InlineData("c25k-w9r3", 9, 3, 30, 30)]
    public void C25K_plan_names_parse(string name, int week, int run, double longest, double total)
    {
        Assert.True(C25kPlan.TryParse(name, out var r));
        Assert.Equal((week, run, longest, total), (r!.Week, r.Run, r.LongestRunMin, r.TotalRunMin));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sample-walk-run")]
    [InlineData("c25k-w10r1")]
    [InlineData("c25k-w3r4")]
    public void Other_plan_names_do_not_parse(string? name) => Assert.False(C25kPlan.TryParse(name, out _));

    [Fact]
    public void The_plan_has_27_runs_and_W1R1_has_no_predecessor()
    {
        Assert.Equal(27, C25kPlan.All.Count);
        Assert.Null(C25kPlan.Previous(C25kPlan.Get(1, 1)));
        Assert.Equal("W5R2", C25kPlan.Previous(C25kPlan.Get(5, 3))!.Label);
    }
}
