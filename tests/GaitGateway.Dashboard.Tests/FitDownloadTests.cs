using System.Net;
using GaitGateway.Coaching.Tests;
using GaitGateway.Dashboard.Api;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage.Sqlite;
using Microsoft.Playwright;

namespace GaitGateway.Dashboard.Tests;

/// <summary>GET /api/sessions/{id}/export.fit over real HTTP: the file the page's "Download FIT" link fetches.</summary>
public sealed class FitDownloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gaitgw-dash-fit-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_fit_download_is_the_stored_session_and_both_decoders_read_it()
    {
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        var board = new LiveBoard();
        await using var server = new DashboardServer(board, store, new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        var id = await LiveRun.StreamAsync(board, store, "ann", "sample-walk-run", 1000, CancellationToken.None);

        var response = await http.GetAsync($"/api/sessions/{id}/export.fit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.ant.fit", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"gaitgw-session-{id}.fit", response.Content.Headers.ContentDisposition!.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var session = store.GetSession(id)!;
        Assert.Equal(SessionExports.Fit(store, session), bytes);

        var path = Path.Combine(_dir, "download.fit");
        await File.WriteAllBytesAsync(path, bytes);
        var expected = new ExpectedSession(session.StartedUtc, store.GetStrides(id), store.GetBouts(id),
            session.Sensors.Select(x => new ExpectedClip(x.Index, x.Foot, x.Id, x.Firmware, x.Manufacturer, x.Model)).ToArray(), session.DistanceM);
        var (garmin, parser) = FitDecoders.Decode(path).Single();
        FitExpectations.AssertReadsBack(garmin, expected);
        FitExpectations.AssertReadsBack(parser, expected);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/sessions/999/export.fit")).StatusCode);
    }

    [Fact]
    public async Task The_session_pages_download_fit_link_fetches_the_file_in_chromium()
    {
        const string chromium = "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"{chromium} is missing — install it with `apt-get install -y chromium` (.ci/run does)");
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        var board = new LiveBoard();
        await using var server = new DashboardServer(board, store, new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        var id = await LiveRun.StreamAsync(board, store, "ann", "sample-walk-run", 1000, CancellationToken.None);

        using var pw = await Playwright.CreateAsync();
        await using var context = await pw.Chromium.LaunchPersistentContextAsync(Path.Combine(_dir, "chromium-profile"), new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        await page.GotoAsync(server.Addresses[0] + "/#/session/" + id);
        var link = page.Locator("#fit-link");
        await page.WaitForFunctionAsync("() => document.getElementById('fit-link').href.includes('/export.fit')", null, new() { Timeout = 15_000 });
        Assert.Equal("Download FIT", await link.InnerTextAsync());
        Assert.Contains(await page.Locator("#tcx-link").InnerTextAsync(), await link.Locator("xpath=..").InnerTextAsync(), StringComparison.Ordinal);

        // The link as the browser resolves it, fetched by the page: the stored session's FIT file.
        var bytes = await page.EvaluateAsync<int[]>("async () => Array.from(new Uint8Array(await (await fetch(document.getElementById('fit-link').href)).arrayBuffer()))");
        Assert.Equal(SessionExports.Fit(store, store.GetSession(id)!), bytes.Select(b => (byte)b).ToArray());
    }
}
