using System.Globalization;
using System.Xml;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Export;

/// <summary>
/// Writes a session as Garmin Training Center XML (TCX) version 2, the format Strava, Garmin Connect, TrainingPeaks
/// and most analysis tools import.
/// </summary>
/// <remarks>
/// <para>Layout: one <c>Activity Sport="Running"</c> whose <c>Id</c> is the session start (UTC); one <c>Lap</c> per
/// bout (walk bouts have <c>Intensity</c> Resting, run bouts Active; a session without bouts is one lap); one
/// <c>Trackpoint</c> per stride, both feet pooled in initial-contact order, with:</para>
/// <list type="bullet">
/// <item><c>Time</c> = session start + the stride's initial contact (ISO 8601 UTC, ms).</item>
/// <item><c>DistanceMeters</c> = cumulative distance. Each foot's strides cover the whole course, so a stride adds
///   its length divided by the number of feet reporting (as the store's session distance does).</item>
/// <item><c>Extensions/ns3:TPX/ns3:Speed</c> = stride speed, m/s.</item>
/// <item><c>Extensions/ns3:TPX/ns3:RunCadence</c> = <b>strides</b> per minute — one foot's cycles, i.e. the
///   gateway's steps/min (<see cref="StrideMetrics.CadenceSpm"/>) divided by 2. Garmin devices write RunCadence that
///   way (a watch showing 170 spm exports 85) and importers double it back; writing steps/min here would show a
///   runner at 340 spm. The schema type is unsignedByte, so values are rounded and clamped to 0..254.</item>
/// </list>
/// <para>Laps carry <c>TotalTimeSeconds</c>, <c>DistanceMeters</c>, <c>Calories</c> (0: not measured, but the schema
/// requires it), <c>Intensity</c>, <c>TriggerMethod</c> Manual and <c>Extensions/ns3:LX</c> with <c>AvgSpeed</c>
/// and <c>AvgRunCadence</c> (strides/min, as above). No positions or heart rate: the gateway has neither.
/// Element order follows the TrainingCenterDatabasev2.xsd and ActivityExtensionv2.xsd sequences.</para>
/// </remarks>
public static class TcxExport
{
    public const string TcxNamespace = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2";
    public const string ActivityExtensionNamespace = "http://www.garmin.com/xmlschemas/ActivityExtension/v2";

    /// <summary>Writes the TCX document. The caller owns <paramref name="output"/> (not closed).</summary>
    /// <param name="output">Where to write (UTF-8 is declared; pass a writer that encodes as UTF-8).</param>
    /// <param name="startedUtc">Wall-clock time of session time 0.</param>
    /// <param name="strides">The session's strides (any order; sorted by initial contact here).</param>
    /// <param name="bouts">The session's bouts (any order).</param>
    /// <param name="notes">Optional activity notes (session name, plan).</param>
    public static void Write(TextWriter output, DateTimeOffset startedUtc, IReadOnlyList<StrideMetrics> strides,
        IReadOnlyList<BoutSummary> bouts, string? notes = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(bouts);

        var ordered = strides.Where(s => double.IsFinite(s.IcTimeS)).OrderBy(s => s.IcTimeS).ToArray();
        var feet = Math.Max(1, ordered.Select(s => s.Foot).Distinct().Count());
        var laps = bouts.OrderBy(b => b.StartTimeS).ToList();
        if (laps.Count == 0)
        {
            laps.Add(new BoutSummary
            {
                Gait = Gait.Run,
                StartTimeS = ordered.Length > 0 ? ordered[0].IcTimeS : 0,
                EndTimeS = ordered.Length > 0 ? ordered[^1].NextIcTimeS is var e && double.IsFinite(e) ? e : ordered[^1].IcTimeS : 0,
                Strides = ordered.Length,
                CadenceSpm = ordered.Length > 0 ? ordered.Select(s => s.CadenceSpm).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average() : double.NaN,
                SpeedMps = ordered.Length > 0 ? ordered.Select(s => s.SpeedMps).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average() : double.NaN,
                DistanceM = ordered.Select(s => double.IsFinite(s.StrideLengthM) ? s.StrideLengthM : 0).Sum() / feet,
            });
        }

        // Assign each stride to the last lap starting at or before it (strides before the first bout go to the first).
        var perLap = new List<StrideMetrics>[laps.Count];
        for (var i = 0; i < perLap.Length; i++) perLap[i] = [];
        var lap = 0;
        foreach (var s in ordered)
        {
            while (lap + 1 < laps.Count && laps[lap + 1].StartTimeS <= s.IcTimeS + 1e-6) lap++;
            perLap[lap].Add(s);
        }

        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, CloseOutput = false };
        using var x = XmlWriter.Create(output, settings);
        x.WriteStartDocument();
        x.WriteStartElement("TrainingCenterDatabase", TcxNamespace);
        x.WriteAttributeString("xmlns", "ns3", null, ActivityExtensionNamespace);
        x.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
        x.WriteAttributeString("xsi", "schemaLocation", "http://www.w3.org/2001/XMLSchema-instance",
            TcxNamespace + " http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd");
        x.WriteStartElement("Activities", TcxNamespace);
        x.WriteStartElement("Activity", TcxNamespace);
        x.WriteAttributeString("Sport", "Running");
        x.WriteElementString("Id", TcxNamespace, Time(startedUtc));

        var distance = 0.0;
        for (var i = 0; i < laps.Count; i++)
        {
            var b = laps[i];
            x.WriteStartElement("Lap", TcxNamespace);
            x.WriteAttributeString("StartTime", Time(startedUtc.AddSeconds(b.StartTimeS)));
            x.WriteElementString("TotalTimeSeconds", TcxNamespace, Num(Math.Max(0, b.DurationS), "0.###"));
            x.WriteElementString("DistanceMeters", TcxNamespace, Num(double.IsFinite(b.DistanceM) ? b.DistanceM : 0, "0.##"));
            x.WriteElementString("Calories", TcxNamespace, "0");
            x.WriteElementString("Intensity", TcxNamespace, b.Gait == Gait.Walk ? "Resting" : "Active");
            x.WriteElementString("TriggerMethod", TcxNamespace, "Manual");
            if (perLap[i].Count > 0)
            {
                x.WriteStartElement("Track", TcxNamespace);
                foreach (var s in perLap[i])
                {
                    if (double.IsFinite(s.StrideLengthM)) distance += s.StrideLengthM / feet;
                    x.WriteStartElement("Trackpoint", TcxNamespace);
                    x.WriteElementString("Time", TcxNamespace, Time(startedUtc.AddSeconds(s.IcTimeS)));
                    x.WriteElementString("DistanceMeters", TcxNamespace, Num(distance, "0.##"));
                    if (double.IsFinite(s.SpeedMps) || double.IsFinite(s.CadenceSpm))
                    {
                        x.WriteStartElement("Extensions", TcxNamespace);
                        x.WriteStartElement("TPX", ActivityExtensionNamespace);
                        if (double.IsFinite(s.SpeedMps)) x.WriteElementString("Speed", ActivityExtensionNamespace, Num(s.SpeedMps, "0.###"));
                        if (double.IsFinite(s.CadenceSpm)) x.WriteElementString("RunCadence", ActivityExtensionNamespace, StridesPerMin(s.CadenceSpm));
                        x.WriteEndElement();
                        x.WriteEndElement();
                    }

                    x.WriteEndElement();
                }

                x.WriteEndElement();
            }

            if (double.IsFinite(b.SpeedMps) || double.IsFinite(b.CadenceSpm))
            {
                x.WriteStartElement("Extensions", TcxNamespace);
                x.WriteStartElement("LX", ActivityExtensionNamespace);
                if (double.IsFinite(b.SpeedMps)) x.WriteElementString("AvgSpeed", ActivityExtensionNamespace, Num(b.SpeedMps, "0.###"));
                if (double.IsFinite(b.CadenceSpm)) x.WriteElementString("AvgRunCadence", ActivityExtensionNamespace, StridesPerMin(b.CadenceSpm));
                x.WriteEndElement();
                x.WriteEndElement();
            }

            x.WriteEndElement(); // Lap
        }

        if (!string.IsNullOrWhiteSpace(notes)) x.WriteElementString("Notes", TcxNamespace, XmlText(notes));
        x.WriteEndElement(); // Activity
        x.WriteEndElement(); // Activities
        x.WriteEndElement(); // TrainingCenterDatabase
        x.WriteEndDocument();
    }

    /// <summary>The TCX document as a string (UTF-8 declared).</summary>
    public static string ToXml(DateTimeOffset startedUtc, IReadOnlyList<StrideMetrics> strides, IReadOnlyList<BoutSummary> bouts, string? notes = null)
    {
        using var w = new Utf8StringWriter();
        Write(w, startedUtc, strides, bouts, notes);
        return w.ToString();
    }

    /// <summary>TCX RunCadence: one foot's cycles per minute = steps/min ÷ 2, as an unsignedByte.</summary>
    public static string StridesPerMin(double stepsPerMin) =>
        Math.Clamp(Math.Round(stepsPerMin / 2), 0, 254).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="s"/> with every character XML 1.0 cannot carry (C0 controls other than tab, CR and LF, U+FFFE,
    /// U+FFFF, unpaired surrogates) replaced by U+FFFD. Escaping cannot help there: XML 1.0 forbids them even as
    /// character references (§2.2, production [2] Char), and XmlWriter throws on them. Session names come from
    /// users and files, so one NUL in a name would otherwise fail the whole export.
    /// </summary>
    public static string XmlText(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var b = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                b.Append(c).Append(s[++i]);
            }
            else
            {
                b.Append(!char.IsSurrogate(c) && XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
            }
        }

        return b.ToString();
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Num(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(CultureInfo.InvariantCulture) { }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
