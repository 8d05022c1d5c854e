using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Tests;

/// <summary>Sessions keep their plan and their length in session time (issue 14 item 6).</summary>
public sealed class PlanTests
{
    [Fact]
    public void Replaying_the_sample_stores_its_plan()
    {
        // Before: replay stored no plan (History's Plan column and the C25K check were empty for replayed sessions).
        var store = Path.Combine(Repo.TempDir(), "s.db");
        var r = Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet");
        Assert.True(r.Exit == 0, r.Err);
        using var s = SqliteStore.Open(store);
        Assert.Equal("sample-walk-run", Assert.Single(s.ListSessions()).Plan);
    }

    [Fact]
    public void A_simulated_run_at_ten_times_real_time_stores_its_session_time_and_plan_and_its_recording_replays_with_the_plan()
    {
        // Before: the stored duration was the wall-clock time (~15 s for the 148-s plan at --time-scale 10).
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        var r = Repo.Gaitgw("run", "--simulate", "sample-walk-run", "--time-scale", "10", "--duration", "22", "--no-dashboard", "--store", store);
        Assert.True(r.Exit == 0, r.Out + r.Err);
        string recording;
        using (var s = SqliteStore.Open(store))
        {
            var live = Assert.Single(s.ListSessions());
            Assert.Equal("sample-walk-run", live.Plan);
            var lastStrideEnd = s.GetStrides(live.Id).Max(x => double.IsFinite(x.NextIcTimeS) ? x.NextIcTimeS : x.IcTimeS);
            Assert.InRange(live.Duration.TotalSeconds, lastStrideEnd, lastStrideEnd + 3);
            Assert.True(live.Duration.TotalSeconds > 120, $"{live.Duration}");
            recording = live.RecordingPath!;
        }

        // The live recording's header carries the plan too, so its replay keeps it.
        var store2 = Path.Combine(dir, "replayed.db");
        var rr = Repo.Gaitgw("replay", recording, "--store", store2, "--quiet");
        Assert.True(rr.Exit == 0, rr.Err);
        using var s2 = SqliteStore.Open(store2);
        Assert.Equal("sample-walk-run", Assert.Single(s2.ListSessions()).Plan);
    }
}
