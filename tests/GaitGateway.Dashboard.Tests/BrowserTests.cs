using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GaitGateway.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's chromium (<c>apt-get install chromium</c>) driven by Microsoft.Playwright.
/// The server runs in-process on a free loopback port; a simulated run streams through GaitSession into the board and
/// the store at 10× real time. Screenshots go to bin/…/screenshots.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _dir = Directory.CreateTempSubdirectory("gaitgw-browser-").FullName;
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Live_tiles_cue_session_charts_and_spike_history_in_chromium()
    {
        if (!File.Exists(Chromium))
        {
            // xunit 2 has no dynamic skip: say why loudly and return (Assert.Skip arrives with xunit v3).
            output.WriteLine($"SKIPPED: {Chromium} is missing — install it with `apt-get install -y chromium`.");
            return;
        }

        Directory.CreateDirectory(Shots);
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        var now = DateTimeOffset.UtcNow;
        // Bea's last three C25K runs: W5R1 (5 min), W5R2 (8 min) … then in "W5R2" again she really pushed: 20 min.
        Seed.Session(store, "bea", now.AddDays(-17), "c25k-w5r1", 5, 5, 5);
        Seed.Session(store, "bea", now.AddDays(-10), "c25k-w5r2", 8, 8);
        var spikeId = Seed.Session(store, "bea", now.AddDays(-3), "c25k-w5r2", 20);

        var board = new LiveBoard();
        const string token = "coach-Token-7f3a9c"; // as on a gateway shared with a club: the page must log in
        await using var server = new DashboardServer(board, store, new DashboardSettings { Urls = "http://127.0.0.1:0", Token = token });
        await server.StartAsync();
        var baseUrl = server.Addresses[0];
        output.WriteLine($"dashboard at {baseUrl}");

        using var pw = await Playwright.CreateAsync();
        var profile = Path.Combine(_dir, "chromium-profile");
        await using var context = await pw.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
            ViewportSize = new() { Width = 1280, Height = 1000 },
        });
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text + " @ " + m.Location); };
        page.PageError += (_, e) => consoleErrors.Add(e);
        await page.GotoAsync(baseUrl + "/#/live");

        // ---- login, as a coach does: the page asks for the token once; a wrong one is refused with a message.
        var login = page.Locator("[data-testid=login-form]");
        await login.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        await page.FillAsync("[data-testid=login-token]", "not-" + token);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.Locator("[data-testid=login-error]").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "login.png"), FullPage = true });
        Assert.Empty(await context.CookiesAsync());
        await page.FillAsync("[data-testid=login-token]", token);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.Locator("[data-testid=stream-state].ok").WaitForAsync(new() { Timeout = 10_000 });
        Assert.False(await login.IsVisibleAsync());
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie")); // the script never holds it
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);

        // ---- live: stream sample-walk-run (≈148 s) at 10× real time
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var streaming = LiveRun.StreamAsync(board, store, "ann", "sample-walk-run", 10, cts.Token);
        var tile = page.Locator("[data-testid=tile][data-runner=ann]");
        await tile.Locator("[data-testid=gait].run").WaitForAsync(new() { Timeout = 30_000 });
        var first = await tile.InnerTextAsync();
        await page.WaitForTimeoutAsync(1500);
        var second = await tile.InnerTextAsync();
        Assert.NotEqual(first, second);
        var cadence = double.Parse(await tile.Locator("[data-testid=cadence]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(cadence, 130, 190);
        Assert.Contains("connected", await tile.Locator("[data-testid=sensor-left]").InnerTextAsync(), StringComparison.Ordinal);
        // What the clip negotiated or why it is not streaming, and the battery's age, are on the tile (issue 13).
        Assert.Equal("right clip: rejected 400 Hz, now 416 Hz", await tile.Locator("[data-testid=sensor-detail-right]").InnerTextAsync());
        Assert.Contains("12 s old", await tile.Locator("[data-testid=sensor-right]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await tile.Locator("[data-testid=sensor-detail-left]").CountAsync());

        // The overstriding push (88..113 s of the plan) must produce its cue, in the log and on the tile.
        var cue = page.Locator("[data-testid=cue-log] [data-testid=cue][data-kind=overstride]");
        await cue.First.WaitForAsync(new() { Timeout = 60_000 });
        var cueText = await cue.First.InnerTextAsync();
        Assert.Matches(@"Shorten your stride and lift your cadence about \d+ % \(to about \d+ steps/min", cueText);
        Assert.Contains("overstriding index", cueText, StringComparison.Ordinal); // plain words, not the field name (issue 14)
        Assert.DoesNotContain("overstride_index", cueText, StringComparison.Ordinal);
        // Issue 12: the flag explains itself — the runner's words in the message, the coach's under it, on the tile too.
        Assert.Contains("heel-first", cueText, StringComparison.Ordinal);
        Assert.StartsWith("coach: overstriding index", await cue.First.Locator("[data-testid=cue-detail]").InnerTextAsync(), StringComparison.Ordinal);
        var tileCue = tile.Locator("[data-testid=tile-cue][data-kind=overstride] [data-testid=tile-cue-detail]");
        if (await tileCue.CountAsync() > 0) Assert.Contains("overstriding index", await tileCue.First.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "live.png"), FullPage = true });
        var sessionId = await streaming;
        var liveUpdates = await page.EvaluateAsync<int>("() => window.gaitDashboard.liveUpdates");
        output.WriteLine($"tile updates received: {liveUpdates}");
        Assert.True(liveUpdates >= 10, $"{liveUpdates} tile updates");

        // ---- session charts: one point per stored stride
        await page.GotoAsync(baseUrl + "/#/session/" + sessionId);
        await page.WaitForFunctionAsync("() => window.gaitDashboard.strideChartPoints > 0", null, new() { Timeout = 15_000 });
        var points = await page.EvaluateAsync<int>("() => Chart.getChart('strideChart').data.datasets[0].data.length");
        var apiCount = await page.EvaluateAsync<int>($"async () => (await (await fetch('/api/sessions/{sessionId}/strides')).json()).length");
        Assert.Equal(store.GetStrides(sessionId).Count, points);
        Assert.Equal(apiCount, points);
        var bars = await page.EvaluateAsync<int>("() => Chart.getChart('boutChart').data.labels.length");
        Assert.Equal(store.GetBouts(sessionId).Count, bars);
        Assert.True(await page.Locator("[data-testid=session-cue][data-kind=overstride]").CountAsync() >= 1);
        Assert.Contains("overstriding index", await page.Locator("[data-testid=session-cue][data-kind=overstride] [data-testid=session-cue-detail]").First.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "session.png"), FullPage = true });

        // ---- history: the 20-minute session is flagged in the >100 % band and as faster than the plan
        await page.GotoAsync(baseUrl + "/#/history/bea");
        var warning = page.Locator("[data-testid=spike-warning]");
        await warning.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 15_000 });
        Assert.Equal(">100%", await warning.GetAttributeAsync("data-band"));
        Assert.Contains("150 %", await warning.InnerTextAsync(), StringComparison.Ordinal);
        var badge = page.Locator($"[data-testid=history-row][data-id='{spikeId}'] [data-testid=spike-badge]");
        Assert.Equal(">100%", await badge.GetAttributeAsync("data-band"));
        Assert.Equal("faster than the plan", await page.Locator("[data-testid=c25k-verdict]").InnerTextAsync());
        Assert.Equal(3, await page.Locator("[data-testid=history-row]").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "history.png"), FullPage = true });

        await page.GotoAsync(baseUrl + "/#/c25k");
        await page.Locator("[data-testid=c25k-table] tbody tr").Nth(26).WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "c25k.png"), FullPage = true });

        // The wrong token's 401 is the one failed request the console may show.
        consoleErrors.RemoveAll(e => e.Contains("401", StringComparison.Ordinal) && e.Contains("/api/login", StringComparison.Ordinal));
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
        output.WriteLine($"screenshots in {Shots}");
    }
}
