using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Tests;

/// <summary><c>gaitgw serve</c>: the dashboard over a store, read-only, beside a gateway writing it.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_reads_a_store_a_gateway_is_writing_and_adds_no_session()
    {
        // Before: no serve command (exit 1, "unrecognized command"); the only way was run --simulate standing,
        // which adds a session.
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        var replay = Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet");
        Assert.True(replay.Exit == 0, replay.Err);

        using var gateway = Background.Start("run", "--simulate", "sample-walk-run", "--time-scale", "4", "--no-dashboard", "--store", store);
        using var serve = Background.Start("serve", "--store", store, "--dashboard-urls", "http://127.0.0.1:0");
        var url = await serve.WaitForAsync(@"Dashboard on (?<url>http://127\.0\.0\.1:\d+)", TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(url.Groups["url"].Value) };

        // The gateway's session appears and its strides grow while serve reads.
        var sw = Stopwatch.StartNew();
        long liveId = 0;
        var counts = new List<int>();
        while (sw.Elapsed < TimeSpan.FromSeconds(90) && counts.Count(c => c > 0) < 3)
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/sessions"));
            var ids = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToArray();
            Assert.True(ids.Length <= 2, string.Join(",", ids));
            if (ids.Length == 2)
            {
                liveId = ids.Max();
                using var strides = JsonDocument.Parse(await http.GetStringAsync($"/api/sessions/{liveId}/strides"));
                var n = strides.RootElement.GetArrayLength();
                if (counts.Count == 0 || n > counts[^1]) counts.Add(n);
            }

            await Task.Delay(500);
        }

        Assert.True(counts.Count(c => c > 0) >= 3, $"strides seen while the gateway writes: {string.Join(", ", counts)}\n{serve.Log}\n{gateway.Log}");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/history/runner")).StatusCode);

        await gateway.StopAsync();
        Assert.True(gateway.ExitCode == 0, gateway.Log);
        await serve.StopAsync();
        Assert.True(serve.ExitCode == 0, serve.Log);

        using var check = SqliteStore.Open(store);
        Assert.Equal(2, check.ListSessions().Count); // the replayed one and the gateway's: serve added none
        Assert.Contains(check.ListSessions(), s => s.Id == liveId);
    }

    [Fact]
    public void Serve_over_a_missing_store_is_bad_input_and_creates_nothing()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "sub", "none.db");
        var r = Repo.Gaitgw("serve", "--store", store, "--duration", "5", "--dashboard-urls", "http://127.0.0.1:0");
        Assert.True(r.Exit == 2, $"exit {r.Exit}\n{r.Out}\n{r.Err}");
        Assert.Equal($"gaitgw: cannot open store '{store}': no such file", r.Err.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "sub")));
    }
}
