using GaitGateway.Coaching.Cues;
using GaitGateway.Core.Strides;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Coaching.Tests;

public class CueEngineTests
{
    private static List<Cue> Feed(IEnumerable<StrideMetrics> strides, CueSettings? settings = null, CueBaseline? baseline = null, CueEngine? engine = null)
    {
        engine ??= new CueEngine(settings, baseline);
        var cues = new List<Cue>();
        engine.CueRaised += (_, c) => cues.Add(c);
        foreach (var s in strides) engine.Update(s);
        return cues;
    }

    [Fact]
    public void Sample_walk_run_overstriding_bout_raises_the_overstride_cue()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var cues = Feed(sim.Strides);

        // Plan: 3 s lead-in, walk 30 s, run 40 s, push 15 s, overstriding 88..113 s, walk.
        var os = Assert.Single(cues, c => c.Kind == CueKind.Overstride);
        Assert.InRange(os.TimeS, 88, 98); // within 10 s of the overstriding's start
        Assert.Equal("overstride_index", os.Measurement);
        Assert.Equal(0, os.Baseline); // judged against her own speed-matched baseline: 0 = as usual
        Assert.True(os.Value >= 2, $"index {os.Value}");
        // The cue explains itself: the target cadence from her own baseline, then what changed against her usual.
        Assert.Matches(@"^Shorten your stride and lift your cadence about \d+ % \(to about \d+ steps/min, your usual at this pace\) — stride \+\d+ %, cadence [−+]?\d+ % against your usual running, landing \d+° more heel-first than your usual at this pace", os.Message);
        Assert.StartsWith("overstriding index ", os.Detail, StringComparison.Ordinal);
        Assert.Contains("her own speed-matched baseline", os.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_walk_run_push_raises_the_calf_load_cue_against_the_session_baseline()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var cues = Feed(sim.Strides);

        // The 3.6 m/s push starts at 73 s; shorter contacts at higher speed raise calf load well above the 2.8 m/s baseline.
        var calf = Assert.Single(cues, c => c.Kind == CueKind.CalfLoad);
        Assert.InRange(calf.TimeS, 73, 116);
        Assert.Equal("calf_load_per_min", calf.Measurement);
        Assert.True(calf.Value > calf.Baseline * 1.3, $"{calf.Value} vs {calf.Baseline}");
        Assert.Matches(@"^Ease back — your calf load is \d+ % above your usual$", calf.Message);
    }

    [Theory]
    [InlineData(2.6)]
    [InlineData(3.6)]
    public void Steady_normal_running_raises_no_cue(double speed)
    {
        var sim = TestData.Simulate("run-steady", new SimulationSettings { RunSpeedMps = speed });
        var engine = new CueEngine();
        var cues = Feed(sim.Strides, engine: engine);

        Assert.Empty(cues);
        var d = engine.Diagnostics;
        Assert.True(d.BaselineReady);
        Assert.InRange(d.OverstrideIndex, 0, 1.5); // far below the flag level (2), below the release level
        Assert.InRange(d.CalfLoadPerMin / d.CalfLoadBaselinePerMin, 0.85, 1.15);
        Assert.InRange(d.ContactAsymmetryPct, 0, 4);
        Assert.InRange(d.LeftContactSharePct, 48, 52);
    }

    [Fact]
    public void Overstride_test_plan_cues_in_the_overstriding_minute_only()
    {
        var sim = TestData.Simulate("overstride-test");
        var cues = Feed(sim.Strides);

        var os = Assert.Single(cues, c => c.Kind == CueKind.Overstride);
        Assert.InRange(os.TimeS, 63, 125); // the overstriding minute is 63..123 s
    }

    [Fact]
    public void Habitual_asymmetry_present_from_the_start_is_not_cued()
    {
        var sim = TestData.Simulate("run-steady", new SimulationSettings { AsymmetryRightContactPct = 12, PlanDurationS = 120 });
        var engine = new CueEngine();
        var cues = Feed(sim.Strides, engine: engine);

        Assert.DoesNotContain(cues, c => c.Kind == CueKind.Asymmetry);
        Assert.InRange(engine.Diagnostics.ContactAsymmetryPct, 8, 16); // measured, shown on the dashboard
    }

    [Fact]
    public void Growing_contact_time_asymmetry_is_cued_with_the_side()
    {
        var strides = TestData.Running(0, 60).Concat(TestData.Running(60, 60, contactRightS: 0.26));
        var cues = Feed(strides);

        var c = Assert.Single(cues);
        Assert.Equal(CueKind.Asymmetry, c.Kind);
        Assert.Equal("contact_time_asymmetry_pct", c.Measurement);
        Assert.InRange(c.Value, 8, 13);
        Assert.InRange(c.Baseline, 0, 0.5);
        Assert.StartsWith("Your left/right contact time differs by ", c.Message, StringComparison.Ordinal);
        Assert.EndsWith("(right longer)", c.Message, StringComparison.Ordinal);
        Assert.InRange(c.TimeS, 60, 75);
    }

    [Fact]
    public void Long_contacts_while_slowing_into_a_walk_are_not_an_asymmetry_cue()
    {
        // Before: contact 0.23 vs 0.30 s on the strides of a 2.8 → 1.9 m/s slow-down (then a walk) raised "Your
        // left/right contact time differs by 26 %"; asymmetry is now judged on steady running only.
        var slowing = Enumerable.Range(0, 6).SelectMany(i => TestData.Running(60 + (i * 2.5), 2.5, speedMps: 2.8 - (i * 0.18), contactRightS: 0.30));
        var strides = TestData.Running(0, 60).Concat(slowing).Concat(TestData.Running(75, 30, speedMps: 1.4, gait: Gait.Walk));
        Assert.DoesNotContain(Feed(strides), c => c.Kind == CueKind.Asymmetry);

        // The same contacts at a steady speed are still cued.
        var steady = TestData.Running(0, 60).Concat(TestData.Running(60, 15, contactRightS: 0.30));
        Assert.Contains(Feed(steady), c => c.Kind == CueKind.Asymmetry);
    }

    [Fact]
    public void Growing_step_length_asymmetry_is_cued()
    {
        // Right steps take 54 % of each stride instead of 50 %: 16 % longer than the left steps once the window is full.
        var strides = TestData.Running(0, 60).Concat(TestData.Running(60, 60, rightStepShare: 0.54));
        var cues = Feed(strides);

        var c = Assert.Single(cues);
        Assert.Equal("step_length_asymmetry_pct", c.Measurement);
        Assert.InRange(c.Value, 8, 17); // raised on the way up to 0.54 vs 0.46 → 16 %
        Assert.EndsWith("(right longer)", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calf_cue_uses_a_given_history_baseline_and_says_how_much()
    {
        // Usual: 0.95 per stride at 158 spm = 0.95 × 158 = 150 per minute (79 strides of each foot).
        var strides = TestData.Running(0, 80, calfLoad: 0.95 * 1.5);
        var cues = Feed(strides, baseline: new CueBaseline(CalfLoadPerMin: 0.95 * 158));

        var c = Assert.Single(cues);
        Assert.Equal(CueKind.CalfLoad, c.Kind);
        Assert.Equal("Ease back — your calf load is 50 % above your usual", c.Message);
        Assert.Equal(0.95 * 158, c.Baseline, 6);
        Assert.InRange(c.Value, (0.95 * 1.5 * 158) - 0.01, (0.95 * 1.5 * 158) + 0.01);
        Assert.InRange(c.TimeS, 24, 31); // as soon as the 30-s window is 80 % full
    }

    [Fact]
    public void Cues_are_debounced_per_kind()
    {
        var engine = new CueEngine();
        var strides = TestData.Running(0, 300, overstrideIndex: 1.5, overstride: true);
        var cues = Feed(strides, engine: engine);

        Assert.All(cues, c => Assert.Equal(CueKind.Overstride, c.Kind));
        Assert.InRange(cues.Count, 4, 5);
        for (var i = 1; i < cues.Count; i++) Assert.True(cues[i].TimeS - cues[i - 1].TimeS >= 60);
        Assert.True(engine.Diagnostics.CuesSuppressed > 100);
        Assert.Equal(cues.Count, engine.Diagnostics.CuesRaised);
    }

    [Fact]
    public void Walking_is_never_judged()
    {
        var strides = TestData.Running(0, 300, speedMps: 1.4, cadenceSpm: 115, contactLeftS: 0.55, contactRightS: 0.65,
            overstrideIndex: 1.6, overstride: true, calfLoad: 5, gait: Gait.Walk);
        Assert.Empty(Feed(strides, baseline: new CueBaseline(CalfLoadPerMin: 10)));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new CueEngine(new CueSettings { CalfWindowS = 1 }));
        Assert.Equal("CalfWindowS", e.ParamName);
    }

    [Fact]
    public void Reset_forgets_the_session_but_keeps_given_baselines()
    {
        var engine = new CueEngine(baseline: new CueBaseline(CalfLoadPerMin: 100));
        Feed(TestData.Running(0, 120), engine: engine);
        Assert.True(double.IsFinite(engine.Diagnostics.OverstrideIndex));
        engine.Reset();
        Assert.True(double.IsNaN(engine.Diagnostics.OverstrideIndex));
        Assert.Equal(100, engine.Diagnostics.CalfLoadBaselinePerMin);
        Assert.Equal(0, engine.Diagnostics.CuesRaised);
    }
}

public class SessionAnalysisTests
{
    [Fact]
    public void Sample_walk_run_marks_the_overstriding_and_calf_load_stretches()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var a = SessionAnalysis.Run(sim.Strides);
        var os = Assert.Single(a.Stretches, s => s.Kind == CueKind.Overstride);
        Assert.InRange(os.StartS, 88, 96);
        Assert.InRange(os.EndS, 108, 119);
        var calf = Assert.Single(a.Stretches, s => s.Kind == CueKind.CalfLoad);
        Assert.InRange(calf.StartS, 73, 95);
        Assert.InRange(calf.EndS, 100, 120);
        Assert.Contains(a.Cues, c => c.Kind == CueKind.Overstride);
    }

    [Fact]
    public void Steady_running_has_no_stretches() =>
        Assert.Empty(SessionAnalysis.Run(TestData.Simulate("run-steady").Strides).Stretches);
}
