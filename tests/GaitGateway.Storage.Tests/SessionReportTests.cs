using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Reports;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Tests;

public sealed class SessionReportTests
{
    [Fact]
    public void Session_list_is_a_table_with_units()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        store.AppendStrides(id, [
            new StrideMetrics { Foot = Foot.Left, IcTimeS = 1, StrideLengthM = 2100 },
            new StrideMetrics { Foot = Foot.Right, IcTimeS = 1.4, StrideLengthM = 2100 },
        ]);
        store.EndSession(id, TestData.Start.AddSeconds(1930));
        var open = store.BeginSession(TestData.Session("bob", TestData.Start.AddDays(1)));
        store.AppendStrides(open, [new StrideMetrics { Foot = Foot.Left, IcTimeS = 65 }]);

        var text = SessionReport.Sessions(store);
        Assert.Equal(
            """
            id  runner  start (UTC)       duration  strides  distance (km)
             1  alice   2025-05-01 06:30   0:32:10        2           2.10
             2  bob     2025-05-02 06:30  0:01:05+        1           0.00
            + not ended (open or interrupted): duration up to the last stride

            """.ReplaceLineEndings("\n"), text);
        Assert.Equal("no sessions\n", SessionReport.FormatSessionList([]));
    }

    [Fact]
    public void Report_has_summary_bouts_and_totals()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        store.AppendStrides(id, [
            new StrideMetrics { Foot = Foot.Left, IcTimeS = 1, CadenceSpm = 160, SpeedMps = 3, ContactTimeS = 0.25, CalfLoad = 2, Overstride = true, StrideLengthM = 2 },
            new StrideMetrics { Foot = Foot.Right, IcTimeS = 1.4, CadenceSpm = 170, SpeedMps = double.NaN, ContactTimeS = 0.23, CalfLoad = double.NaN, StrideLengthM = 2 },
        ]);
        store.AppendBouts(id, TestData.Bouts());
        store.AppendAlert(id, new AlertRecord(1, "overstride", "Land under your hips"));
        store.AppendAlert(id, new AlertRecord(95, "overstride", "Shorten your stride and lift your cadence about 8 % — stride +19 %, cadence −8 %",
            "overstride_index", 3.4, "overstriding index 3.4 (flag at 2.0) = strike 2.0 + cadence 1.4"));
        store.EndSession(id, TestData.Start.AddMinutes(7));

        var text = SessionReport.Report(store, id);
        var expected = """
            Session 1: C25K W3D2 (alice)
              started   2025-05-01 06:30:00 UTC
              ended     2025-05-01 06:37:00 UTC, duration 0:07:00
              source    simulate, plan c25k
              recording /tmp/rec.gaitrec
              sensor 0  left  AA:BB:CC:00:00:01 (simulated, firmware 1.2.3, battery 97 %, 104 Hz)
              sensor 1  right AA:BB:CC:00:00:02 (simulated)

            Bouts
              #  gait    start  duration  strides  cadence (spm)  stride (m)  speed (m/s)  distance (m)  contact (ms)  strike    overstride (%)  calf load
              1  walk  0:00:00   0:05:00      250            110        1.41         1.30           390           610  rearfoot               2      310.5
              2  run   0:05:00   0:01:30      130            164        2.20         3.01             -           250  -                     15      250.0

            Totals
              strides        2 (left 1, right 1)
              distance       0.00 km
              walk / run     0:05:00 / 0:01:30
              cadence        165 spm (mean)
              speed          3.00 m/s (mean)
              contact time   240 ms (mean)
              overstride     50 % of strides
              calf load      2.0 (sum)
              alerts         2

            Alerts
              0:00:01  overstride  Land under your hips
              0:01:35  overstride  Shorten your stride and lift your cadence about 8 % — stride +19 %, cadence −8 %
                    coach: overstriding index 3.4 (flag at 2.0) = strike 2.0 + cadence 1.4

            """.ReplaceLineEndings("\n");
        Assert.Equal(expected, text);
        Assert.Equal("no session 99; 'gaitgw sessions' lists them", Assert.Throws<StoreException>(() => SessionReport.Report(store, 99)).Message);
    }
}
