using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace GaitGateway.Tests;

/// <summary>
/// The real gaitgw process reads the environment variables the README documents (<c>GAITGW_Influx__Url</c>,
/// <c>GAITGW_Dashboard__Token</c>; issue 16 item 12: only <c>GAITGW_GaitGateway__…</c> worked for <c>run</c>), and
/// neither the dashboard token nor a password inside the InfluxDB URL reaches its output (item 2).
/// </summary>
public sealed class ConfigurationTests
{
    private const string Password = "pa55word-9f1c";
    private const string DashboardToken = "dash-Token-55e0b1";

    [Theory]
    [InlineData("GAITGW_Influx__Url", "ftp://admin:" + Password + "@influx.example", "--influx-url 'ftp://***@influx.example': not an http(s) URL")]
    [InlineData("GAITGW_GaitGateway__Influx__Url", "ftp://admin:" + Password + "@influx.example", "--influx-url 'ftp://***@influx.example': not an http(s) URL")]
    [InlineData("GAITGW_Influx__BatchSize", "lots", "GAITGW_Influx__BatchSize / GaitGateway:Influx:BatchSize = 'lots': not a whole number")]
    [InlineData("GAITGW_Dashboard__LoginLifetimeMinutes", "soon", "GAITGW_Dashboard__LoginLifetimeMinutes / GaitGateway:Dashboard:LoginLifetimeMinutes = 'soon': not a whole number")]
    public void Run_reads_both_environment_forms_and_bad_values_are_one_line_errors(string variable, string value, string expected)
    {
        // Before: the short form was ignored (run streamed its second and exited 0); a value the binder could not
        // convert in the full form crashed with exit 134.
        var dir = Repo.TempDir();
        var r = Repo.GaitgwWithEnv(new() { [variable] = value },
            "run", "--simulate", "sample-walk-run", "--duration", "1", "--no-dashboard", "--store", Path.Combine(dir, "s.db"));
        Assert.True(r.Exit == 2, $"exit {r.Exit}\n{r.Out}\n{r.Err}");
        // One line: "gaitgw: ", for a binder failure the source it was read through ("configuration", a file), then the words.
        var line = r.Err.Trim();
        Assert.DoesNotContain("\n", line, StringComparison.Ordinal);
        Assert.StartsWith("gaitgw: ", line, StringComparison.Ordinal);
        Assert.EndsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, r.Out + r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "dashboard: refusing to listen on http://0.0.0.0:0 without a token: set a token or bind to 127.0.0.1")]
    [InlineData("t0ken", "dashboard: http://0.0.0.0:0 listens on every address, so the names browsers reach it by are unknown: set Dashboard:AllowedHosts (e.g. gateway.local;192.168.1.20, or * for any name)")]
    public void Dashboard_settings_it_refuses_are_one_line_errors_before_anything_starts(string token, string expected)
    {
        // Before: the gateway started, logged "Gateway stopped: …" and exited 1.
        var dir = Repo.TempDir();
        var r = Repo.GaitgwWithEnv(new() { ["GAITGW_Dashboard__Urls"] = "http://0.0.0.0:0", ["GAITGW_Dashboard__Token"] = token },
            "run", "--simulate", "sample-walk-run", "--duration", "1", "--store", Path.Combine(dir, "s.db"));
        Assert.True(r.Exit == 2, $"exit {r.Exit}\n{r.Out}\n{r.Err}");
        Assert.Equal("gaitgw: " + expected, r.Err.Trim());
        Assert.False(File.Exists(Path.Combine(dir, "s.db")), "nothing should be stored before the settings are checked");
    }

    [Theory]
    [InlineData("GAITGW_Influx__Mode", "v9", "--influx-mode 'v9': use v2 or v1")]
    [InlineData("GAITGW_GaitGateway__Influx__Url", "ftp://x", "--influx-url 'ftp://x': not an http(s) URL")]
    [InlineData("GAITGW_Influx__Bucket", "", "InfluxDB at http://***@127.0.0.1:9: no bucket configured")]
    public void Replay_reads_the_same_environment_as_run(string variable, string value, string expected)
    {
        // Before: replay read only GAITGW_Influx__Url/TokenFile/BatchSize/MaxRequestsInFlight itself; these were ignored.
        var dir = Repo.TempDir();
        var args = new List<string> { "replay", Repo.Sample, "--store", Path.Combine(dir, "s.db"), "--quiet", "--influx-wait", "1" };
        if (variable != "GAITGW_GaitGateway__Influx__Url") args.AddRange(["--influx-url", "http://admin:" + Password + "@127.0.0.1:9"]);
        var r = Repo.GaitgwWithEnv(new() { [variable] = value }, [.. args]);
        Assert.True(r.Exit == 2, $"exit {r.Exit}\n{r.Out}\n{r.Err}");
        Assert.Equal("gaitgw: " + expected, r.Err.Trim());
        Assert.DoesNotContain(Password, r.Out + r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_guards_its_dashboard_with_the_token_from_the_environment_and_logs_no_secret()
    {
        var dir = Repo.TempDir();
        var home = Repo.TempDir();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gaitgw.dll"));
        foreach (var a in new[] { "run", "--simulate", "sample-walk-run", "--duration", "120", "--store", Path.Combine(dir, "s.db") }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = home;
        psi.Environment["GAITGW_Dashboard__Token"] = DashboardToken;
        psi.Environment["GAITGW_Dashboard__Urls"] = "http://127.0.0.1:0";
        psi.Environment["GAITGW_Influx__Url"] = "http://admin:" + Password + "@127.0.0.1:9"; // nothing listens: retries are logged
        var lines = new ConcurrentQueue<string>();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            var sw = Stopwatch.StartNew();
            Match m = Match.Empty;
            while (!m.Success && sw.Elapsed < TimeSpan.FromSeconds(60) && !p.HasExited)
            {
                await Task.Delay(100);
                m = lines.Select(l => Regex.Match(l, @"Dashboard on (?<url>http://127\.0\.0\.1:\d+)")).FirstOrDefault(x => x.Success) ?? Match.Empty;
            }

            Assert.True(m.Success, "no dashboard address in the log:\n" + string.Join('\n', lines));
            using var http = new HttpClient { BaseAddress = new Uri(m.Groups["url"].Value) };
            async Task<HttpStatusCode> Get(string path)
            {
                using var r = await http.GetAsync(path);
                return r.StatusCode;
            }

            // Before: GAITGW_Dashboard__Token was ignored, so the API answered 200 to anyone.
            Assert.Equal(HttpStatusCode.Unauthorized, await Get("/api/live"));
            Assert.Equal(HttpStatusCode.Unauthorized, await Get("/API/live"));
            Assert.Equal(HttpStatusCode.Unauthorized, await Get("/api/live?token=" + DashboardToken));
            using var req = new HttpRequestMessage(HttpMethod.Get, "/api/live");
            req.Headers.Authorization = new("Bearer", DashboardToken);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(req)).StatusCode);

            // Let the forwarder log a failed write or two (it names the server), then stop as systemd would (SIGTERM).
            while (!lines.Any(l => l.Contains("write failed", StringComparison.Ordinal)) && sw.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
            using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await p.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!p.HasExited) p.Kill(true);
        }

        var log = string.Join('\n', lines);
        Assert.True(log.Contains("Url = http://***@127.0.0.1:9", StringComparison.Ordinal), log); // GAITGW_Influx__Url reached run
        Assert.True(log.Contains("InfluxDB at http://***@127.0.0.1:9 write failed", StringComparison.Ordinal), log);
        Assert.True(log.Contains("Path: /api/live", StringComparison.Ordinal), log); // the request log is there …
        Assert.False(log.Contains(DashboardToken, StringComparison.Ordinal), log); // … without the token
        Assert.False(log.Contains(Password, StringComparison.Ordinal), log);
        Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), "the dashboard wrote key files under $HOME");
    }
}
