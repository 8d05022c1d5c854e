using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using GaitGateway.Coaching.Export;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Tests;

public class TcxExportTests
{
    private static readonly XNamespace Tcx = TcxExport.TcxNamespace;
    private static readonly XNamespace Ext = TcxExport.ActivityExtensionNamespace;
    private static readonly DateTimeOffset Start = new(2025, 6, 2, 6, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Simulated_session_exports_well_formed_TCX_with_a_trackpoint_per_stride_and_a_lap_per_bout()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var xml = TcxExport.ToXml(Start, sim.Strides, sim.Bouts, "sample-walk-run");

        // Well-formed: a strict XmlReader reads it to the end without throwing.
        using (var r = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
            while (r.Read()) { }

        var doc = XDocument.Parse(xml);
        Assert.Equal(Tcx + "TrainingCenterDatabase", doc.Root!.Name);
        var activity = doc.Root.Element(Tcx + "Activities")!.Element(Tcx + "Activity")!;
        Assert.Equal("Running", (string?)activity.Attribute("Sport"));
        Assert.Equal("2025-06-02T06:30:00.000Z", (string?)activity.Element(Tcx + "Id"));
        Assert.Equal(sim.Bouts.Count, activity.Elements(Tcx + "Lap").Count());

        var points = activity.Descendants(Tcx + "Trackpoint").ToList();
        Assert.Equal(sim.Strides.Count, points.Count);

        // Times rise, distances never fall and end at the session distance (stride lengths / 2 feet).
        var times = points.Select(p => DateTimeOffset.Parse((string)p.Element(Tcx + "Time")!, CultureInfo.InvariantCulture)).ToList();
        Assert.True(times.Zip(times.Skip(1)).All(t => t.Second >= t.First));
        var dist = points.Select(p => double.Parse((string)p.Element(Tcx + "DistanceMeters")!, CultureInfo.InvariantCulture)).ToList();
        Assert.True(dist.Zip(dist.Skip(1)).All(d => d.Second >= d.First));
        Assert.Equal(sim.Strides.Where(s => double.IsFinite(s.StrideLengthM)).Sum(s => s.StrideLengthM) / 2, dist[^1], 0);

        // RunCadence is strides/min: half the gateway's steps/min.
        var first = sim.Strides.OrderBy(s => s.IcTimeS).First(s => s.IcTimeS > 50 && s.Gait == Gait.Run && double.IsFinite(s.CadenceSpm));
        var p0 = points[sim.Strides.OrderBy(s => s.IcTimeS).ToList().IndexOf(first)];
        var cadence = int.Parse((string)p0.Descendants(Ext + "RunCadence").Single(), CultureInfo.InvariantCulture);
        Assert.Equal(Math.Round(first.CadenceSpm / 2), cadence);
        Assert.InRange(cadence, 70, 90);

        var runLap = activity.Elements(Tcx + "Lap").First(l => (string?)l.Element(Tcx + "Intensity") == "Active" && l.Descendants(Tcx + "Trackpoint").Count() > 50);
        Assert.NotNull(runLap.Element(Tcx + "Extensions")!.Element(Ext + "LX")!.Element(Ext + "AvgRunCadence"));
        Assert.Equal("sample-walk-run", (string?)activity.Element(Tcx + "Notes"));
    }

    [Fact]
    public void Lap_children_follow_the_schema_order()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var doc = XDocument.Parse(TcxExport.ToXml(Start, sim.Strides, sim.Bouts));
        string[] order = ["TotalTimeSeconds", "DistanceMeters", "Calories", "Intensity", "TriggerMethod", "Track", "Extensions"];
        foreach (var lap in doc.Descendants(Tcx + "Lap"))
        {
            var names = lap.Elements().Select(e => e.Name.LocalName).ToList();
            var idx = names.Select(n => Array.IndexOf(order, n)).ToList();
            Assert.DoesNotContain(-1, idx);
            Assert.Equal(idx.OrderBy(i => i), idx);
        }
    }

    [Fact]
    public void A_session_without_bouts_or_strides_is_still_valid_TCX()
    {
        var doc = XDocument.Parse(TcxExport.ToXml(Start, [], []));
        Assert.Single(doc.Descendants(Tcx + "Lap"));
        Assert.Empty(doc.Descendants(Tcx + "Trackpoint"));

        var strides = TestData.Running(0, 10).ToList();
        var one = XDocument.Parse(TcxExport.ToXml(Start, strides, []));
        Assert.Equal(strides.Count, one.Descendants(Tcx + "Trackpoint").Count());
    }

    [Theory]
    [InlineData(170, "85")]
    [InlineData(171, "86")]
    [InlineData(600, "254")]
    [InlineData(-5, "0")]
    public void RunCadence_is_half_the_step_rate_clamped_to_a_byte(double spm, string expected) =>
        Assert.Equal(expected, TcxExport.StridesPerMin(spm));

    [Fact]
    public void Notes_are_escaped()
    {
        var xml = TcxExport.ToXml(Start, [], [], "W6 <pushed> & \"cramp\"");
        Assert.Equal("W6 <pushed> & \"cramp\"", (string?)XDocument.Parse(xml).Descendants(Tcx + "Notes").Single());
    }

    [Fact]
    public void Characters_XML_cannot_carry_are_replaced_not_fatal()
    {
        // A Fact over a table rather than InlineData: attribute strings are stored as UTF-8 in metadata, which turns
        // a lone surrogate into three U+FFFD before the test sees it.
        (string Notes, string Expected)[] cases =
        [
            ("run\u0000one", "run\uFFFDone"),
            ("\u0001\u001Fa\tb", "\uFFFD\uFFFDa\tb"),
            ("half \uD83C pair", "half \uFFFD pair"),
            ("lone low \uDFC3", "lone low \uFFFD"),
            ("\uFFFE\uFFFF", "\uFFFD\uFFFD"),
            ("runner \uD83C\uDFC3 ok", "runner \uD83C\uDFC3 ok"),
        ];
        foreach (var (notes, expected) in cases)
        {
            // Before: XmlWriter threw ArgumentException on the first of them, and the dashboard's export.tcx answered 500.
            var xml = TcxExport.ToXml(Start, TestData.Running(0, 4).ToList(), [], notes);
            Assert.Equal(expected, (string?)XDocument.Parse(xml).Descendants(Tcx + "Notes").Single());
        }
    }
}
