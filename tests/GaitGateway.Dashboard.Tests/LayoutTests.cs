using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GaitGateway.Dashboard.Tests;

/// <summary>
/// Every page on a phone (360, 390, 430 px wide) and on a 1400 px desktop, in Debian's chromium: no element wider than
/// the viewport, no horizontal page scroll, the spike column and the nav on screen; the desktop uses its width.
/// Screenshots of each page at 390×844 and 1400×1000 go to bin/…/screenshots/layout-PAGE-WIDTH.png (README links copies
/// in docs/screenshots).
/// </summary>
public sealed class LayoutTests(ITestOutputHelper output) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _dir = Directory.CreateTempSubdirectory("gaitgw-layout-").FullName;
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // Every visible element whose box leaves the viewport, and the page's own horizontal overflow.
    private const string Overflow = """
        () => {
          const w = document.documentElement.clientWidth, bad = [];
          if (document.documentElement.scrollWidth > w) bad.push('page scrollWidth ' + document.documentElement.scrollWidth + ' > ' + w);
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            if (r.right > w + 0.5 || r.left < -0.5) {
              const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.replace(/ +/g, '.') : '');
              bad.push(name + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' "' + (el.textContent || '').trim().slice(0, 30) + '"');
            }
          }
          return bad.slice(0, 15);
        }
        """;

    [Fact]
    public async Task Every_page_fits_a_phone_and_uses_a_desktop()
    {
        if (!File.Exists(Chromium))
        {
            output.WriteLine($"SKIPPED: {Chromium} is missing — install it with `apt-get install -y chromium`.");
            return;
        }

        Directory.CreateDirectory(Shots);
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        var now = DateTimeOffset.UtcNow;
        Seed.Session(store, "bea", now.AddDays(-17), "c25k-w5r1", 5, 5, 5);
        Seed.Session(store, "bea", now.AddDays(-10), "c25k-w5r2", 8, 8);
        Seed.Session(store, "bea", now.AddDays(-3), "c25k-w5r2", 20);
        Seed.Session(store, "dan", now.AddDays(-1), "c25k-w5r3", 3); // planned 20 min, ran 3: not "on plan"
        var board = new LiveBoard();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // Three runners at once, as a coach sees them; "runner-1" must not wrap as "runner-/1".
        var ids = await Task.WhenAll(
            LiveRun.StreamAsync(board, store, "ann", "sample-walk-run", 30, cts.Token),
            LiveRun.StreamAsync(board, store, "runner-1", "sample-walk-run", 30, cts.Token),
            LiveRun.StreamAsync(board, store, "cleo", "sample-walk-run", 30, cts.Token));
        var sessionId = ids[0];

        await using var server = new DashboardServer(board, store, new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        var baseUrl = server.Addresses[0];
        using var pw = await Playwright.CreateAsync();
        await using var browser = await pw.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

        var pages = new (string Name, string Hash, string Ready)[]
        {
            ("live", "#/live", "() => document.querySelectorAll('[data-testid=tile]').length === 3"),
            ("sessions", "#/sessions", "() => document.querySelectorAll('[data-testid=session-row]').length === 7"),
            ("session", "#/session/" + sessionId, "() => window.gaitDashboard.strideChartPoints > 0"),
            ("history", "#/history/bea", "() => document.querySelectorAll('[data-testid=history-row]').length === 3"),
            ("c25k", "#/c25k", "() => document.querySelectorAll('[data-testid=c25k-table] tbody tr').length === 27"),
        };
        var failures = new List<string>();
        foreach (var (width, height) in new[] { (390, 844), (360, 740), (430, 932), (1400, 1000) })
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            foreach (var (name, hash, ready) in pages)
            {
                await page.GotoAsync("about:blank");
                await page.GotoAsync(baseUrl + "/" + hash);
                await page.WaitForFunctionAsync(ready, null, new() { Timeout = 15_000 });
                await page.WaitForTimeoutAsync(200); // Chart.js resizes on the next animation frame
                var bad = await page.EvaluateAsync<string[]>(Overflow);
                if (bad.Length > 0) failures.Add($"{name} at {width}px: " + string.Join("; ", bad));
                if (width is 390 or 1400)
                {
                    await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"layout-{name}-{width}.png"), FullPage = true });
                }

                if (width < 500)
                {
                    // The nav on one line: every link at the same height.
                    var tops = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('nav a')].map(a => Math.round(a.getBoundingClientRect().top))");
                    if (tops.Distinct().Count() != 1) failures.Add($"{name} at {width}px: nav on {tops.Distinct().Count()} lines");
                    var nameLines = await page.EvaluateAsync<int>("() => Math.max(0, ...[...document.querySelectorAll('.tile .runner')].map(e => e.getClientRects().length))");
                    if (nameLines > 1) failures.Add($"{name} at {width}px: a runner's name wraps");
                }

                if (name == "live")
                {
                    // The cue log holds every stored cue of the sessions on the board, not only those streamed
                    // while the page was open (here: none, the runs ended before it opened).
                    var stored = ids.Sum(id => store.GetAlerts(id).Count);
                    var shown = await page.Locator("[data-testid=cue-log] [data-testid=cue]").CountAsync();
                    if (stored < 3 || shown != stored) failures.Add($"live at {width}px: cue log shows {shown} of {stored} stored cues");
                    // Issue 14 item 5: plain words, not field names, and the runner's usual (stored with the cue
                    // since store migration 8; before, a cue loaded from the store had none).
                    var lines = await page.Locator("[data-testid=cue-log] [data-testid=cue]").AllInnerTextsAsync();
                    var raw = lines.Where(l => l.Contains("calf_load_per_min", StringComparison.Ordinal) || l.Contains("overstride_index", StringComparison.Ordinal)).ToArray();
                    if (raw.Length > 0) failures.Add($"live at {width}px: cue lines with field names: {raw[0]}");
                    var withUsual = ids.Sum(id => store.GetAlerts(id).Count(a => double.IsFinite(a.Baseline)));
                    var usual = lines.Count(l => l.Contains(", usual ", StringComparison.Ordinal));
                    if (withUsual < 2 || usual != withUsual) failures.Add($"live at {width}px: {usual} cue lines show the usual, {withUsual} stored cues have one");
                    // Ann's tile: the overstriding cue on top, the calf-load cue of the same minute below it (before:
                    // only the newest cue was shown).
                    var ann = page.Locator("[data-testid=tile][data-runner=ann]");
                    var top = await ann.Locator("[data-testid=tile-cue]").GetAttributeAsync("data-kind");
                    var below = await ann.Locator("[data-testid=tile-other-cue]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.kind)");
                    if (top != "overstride" || !below.Contains("calf_load")) failures.Add($"live at {width}px: ann's tile cue {top}, below: {string.Join(",", below)}");
                }

                if (name == "history")
                {
                    // The spike column is on screen without scrolling sideways.
                    var badge = await page.Locator("[data-testid=spike-badge]").First.BoundingBoxAsync();
                    if (badge is null || badge.X + badge.Width > width) failures.Add($"history at {width}px: spike badge at {badge?.X}+{badge?.Width}");
                }

                if (width == 1400 && name == "live")
                {
                    // A desktop shows the three tiles side by side.
                    var tileTops = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('[data-testid=tile]')].map(t => Math.round(t.getBoundingClientRect().top))");
                    if (tileTops.Distinct().Count() != 1) failures.Add($"live at 1400px: tiles in {tileTops.Distinct().Count()} rows");
                }

                if (name == "session")
                {
                    // Laps, m:ss axes, a pace chart in min/km with smoothed lines over per-stride dots, calf load explained.
                    var laps = await page.Locator("[data-testid=lap-row]").CountAsync();
                    if (laps != store.GetBouts(sessionId).Count) failures.Add($"session at {width}px: {laps} laps for {store.GetBouts(sessionId).Count} bouts");
                    var paces = await page.Locator("[data-testid=lap-pace]").AllInnerTextsAsync();
                    if (!paces.All(p => System.Text.RegularExpressions.Regex.IsMatch(p, @"^\d{1,2}:\d\d /km$"))) failures.Add($"session at {width}px: lap paces {string.Join(", ", paces)}");
                    foreach (var id in new[] { "strideChart", "paceChart", "cadenceChart" })
                    {
                        var ticks = await page.EvaluateAsync<string[]>($"() => Chart.getChart('{id}').scales.x.ticks.map(t => t.label)");
                        if (ticks.Length < 3 || !ticks.All(t => System.Text.RegularExpressions.Regex.IsMatch(t, @"^\d+:\d\d$"))) failures.Add($"{id} x ticks: {string.Join(", ", ticks)}");
                    }

                    var pace = await page.EvaluateAsync<string[]>("() => { const c = Chart.getChart('paceChart'); return [String(c.scales.y.options.reverse), c.data.datasets.map(d => d.label + ':' + (d.type || c.config.type)).join('|'), c.scales.y.ticks.map(t => t.label).join(' ')]; }");
                    if (pace[0] != "True" && pace[0] != "true") failures.Add("pace axis not reversed (faster up)");
                    if (!pace[1].Contains("pace (10-s average):line", StringComparison.Ordinal) || !pace[1].Contains("pace (per stride):scatter", StringComparison.Ordinal)) failures.Add("pace datasets: " + pace[1]);
                    if (!System.Text.RegularExpressions.Regex.IsMatch(pace[2], @"^\d+:\d\d( \d+:\d\d)+$")) failures.Add("pace ticks: " + pace[2]);
                    var note = await page.Locator("#page-session [data-testid=calf-note]").InnerTextAsync();
                    if (!note.Contains("100 %", StringComparison.Ordinal)) failures.Add("no calf load explanation on the session page");
                }

                if (name == "history")
                {
                    var trend = await page.EvaluateAsync<int>("() => Chart.getChart('trendChart').data.datasets[0].data.filter(v => v != null).length");
                    if (trend < 1) failures.Add("history: no acute:chronic load trend");
                }

                if (width == 1400 && name == "session")
                {
                    var chartTops = await page.EvaluateAsync<double[]>("() => ['paceChart', 'cadenceChart'].map(id => Math.round(document.getElementById(id).getBoundingClientRect().top))");
                    if (chartTops[0] != chartTops[1]) failures.Add("session at 1400px: the pace and cadence charts are stacked, not side by side");
                }
            }

            if (width == 390)
            {
                await page.GotoAsync("about:blank");
                await page.GotoAsync(baseUrl + "/#/history/dan");
                await page.Locator("[data-testid=c25k-verdict]").WaitForAsync(new() { Timeout = 15_000 });
                var verdict = await page.Locator("[data-testid=c25k-verdict]").InnerTextAsync();
                var status = await page.Locator("[data-testid=c25k-status]").InnerTextAsync();
                if (verdict != "short of the plan") failures.Add($"dan ran 3 of 20 planned minutes: verdict '{verdict}'");
                if (status.Contains("yours –", StringComparison.Ordinal)) failures.Add("c25k status: " + status);
            }
        }

        output.WriteLine($"screenshots in {Shots}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
