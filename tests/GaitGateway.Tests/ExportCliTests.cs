using System.Xml.Linq;
using GaitGateway.Coaching.Tests;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Tests;

/// <summary>
/// <c>gaitgw export</c> on sessions in a real store: the committed sample and a simulated C25K week-6 session (28 min),
/// replayed by the real executable, exported to FIT and read back by Garmin's FIT SDK and fit-file-parser with the
/// store's values; TCX beside it.
/// </summary>
public sealed class ExportCliTests
{
    private static void ExportAndCheck(string store, long id, string dir)
    {
        var fit = Path.Combine(dir, $"s{id}.fit");
        var tcx = Path.Combine(dir, $"s{id}.tcx");
        var r = Repo.Gaitgw("export", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--store", store, "--fit", fit, "--tcx", tcx);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("FIT", r.Out, StringComparison.Ordinal);

        using var s = SqliteStore.Open(store);
        var session = s.GetSession(id)!;
        var strides = s.GetStrides(id);
        var expected = new ExpectedSession(session.StartedUtc, strides, s.GetBouts(id),
            session.Sensors.Select(x => new ExpectedClip(x.Index, x.Foot, x.Id, x.Firmware, x.Manufacturer, x.Model)).ToArray(), session.DistanceM);
        Assert.NotEmpty(expected.Clips);
        var (garmin, parser) = FitDecoders.Decode(fit).Single();
        FitExpectations.AssertReadsBack(garmin, expected);
        FitExpectations.AssertReadsBack(parser, expected);
        FitExpectations.AssertAgree(garmin, parser);

        // TCX keeps working: one trackpoint per stored stride.
        var doc = XDocument.Load(tcx);
        Assert.Equal(strides.Count, doc.Descendants(XName.Get("Trackpoint", "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2")).Count());
    }

    [Fact]
    public void The_sample_exports_to_fit_that_both_decoders_read_with_the_stores_values()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        Assert.Equal(0, Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet").Exit);
        ExportAndCheck(store, 1, dir);
    }

    [Fact]
    public void A_28_minute_c25k_session_exports_to_fit_that_both_decoders_read_with_the_stores_values()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        var rec = Path.Combine(dir, "w6r2.ggwrec");
        var sim = Repo.Gaitgw("simulate", "--plan", "c25k-w6r2", "--out", rec);
        Assert.True(sim.Exit == 0, sim.Err);
        Assert.Equal(0, Repo.Gaitgw("replay", rec, "--store", store, "--quiet").Exit);
        using (var s = SqliteStore.Open(store))
        {
            // The plan's walk, run, walk, run must be there as laps-to-be, and most of the 28 minutes as strides.
            Assert.True(s.GetBouts(1).Count >= 4);
            Assert.True(s.GetSession(1)!.Duration > TimeSpan.FromMinutes(27));
        }

        ExportAndCheck(store, 1, dir);
    }

    [Fact]
    public void Export_of_a_session_that_is_not_there_or_without_a_format_is_bad_input()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        Assert.Equal(0, Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet").Exit);
        var missing = Repo.Gaitgw("export", "7", "--store", store, "--fit", Path.Combine(dir, "x.fit"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("no session 7", missing.Err, StringComparison.Ordinal);
        Assert.Single(missing.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(dir, "x.fit")));

        var noFormat = Repo.Gaitgw("export", "1", "--store", store);
        Assert.Equal(2, noFormat.Exit);
        Assert.Contains("--fit", noFormat.Err, StringComparison.Ordinal);

        var noStore = Repo.Gaitgw("export", "1", "--store", Path.Combine(dir, "nope.db"), "--fit", Path.Combine(dir, "y.fit"));
        Assert.Equal(2, noStore.Exit);
        Assert.Contains("nope.db", noStore.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "nope.db")));
    }
}
