using System.Net;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Tests;

public sealed class InfluxLineProtocolTests
{
    [Fact]
    public void Stride_line_has_deterministic_tags_numeric_fields_and_ic_timestamp()
    {
        var row = new ForwardStride(
            new ForwardKey(7, 3, "alice smith", 1_746_081_001_500_000_000, "AA:BB"), 12,
            TestData.Empty(Foot.Left, 1.5) with { SpeedMps = 3.25, Overstride = true, StrikePattern = StrikePattern.Midfoot, Gait = Gait.Run, Flags = StrideFlags.GapBridged });
        var line = InfluxLineProtocol.Stride(row);
        Assert.Equal(
            @"stride,runner=alice\ smith,session=3,foot=left,sensor=AA:BB,strike_pattern=midfoot seq=12i,ic_time_s=1.5,speed_mps=3.25,overstride=1i,gait=2i,flags=4i,row_id=7i 1746081001500000000",
            line);
        Assert.Equal(line, InfluxLineProtocol.Stride(row)); // same row, same bytes: a re-send overwrites
    }

    [Fact]
    public void Every_stride_value_is_a_field_and_round_trips_as_R()
    {
        var s = TestData.Strides(1, seed: 9)[0];
        var line = InfluxLineProtocol.Stride(new ForwardStride(new ForwardKey(1, 1, "a", 1, null), 0, s));
        Assert.DoesNotContain("sensor=", line); // no sensor recorded: tag left out, never empty
        foreach (var (name, value) in new[] { ("speed_mps", s.SpeedMps), ("contact_time_s", s.ContactTimeS), ("calf_load", s.CalfLoad), ("peak_impact_g", s.PeakImpactG) })
        {
            var field = line.Split(' ')[1].Split(',').Single(f => f.StartsWith(name + "=", StringComparison.Ordinal));
            Assert.Equal(value, double.Parse(field[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(22, line.Split(' ')[1].Split(',').Length); // seq + 20 values + the store's row id (foot and strike pattern are tags)
    }
}

public sealed class V1WriteHandlerTests
{
    private sealed class Capture : HttpMessageHandler
    {
        public HttpRequestMessage? Request;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }

    [Theory]
    [InlineData("http://h:8086/api/v2/write?org=o&bucket=gait&precision=ns", "http://h:8086/write?db=gait&precision=n")]
    [InlineData("http://h/influx/api/v2/write?org=o&bucket=my%20db&precision=ms", "http://h/influx/write?db=my%20db&precision=ms")]
    [InlineData("http://h:8086/ping", "http://h:8086/ping")]
    public async Task Rewrites_v2_write_to_v1(string from, string to)
    {
        var capture = new Capture();
        using var http = new HttpClient(new V1WriteHandler(capture));
        using var req = new HttpRequestMessage(HttpMethod.Post, from);
        req.Headers.TryAddWithoutValidation("Authorization", "Token user:pa ss");
        await http.SendAsync(req);
        Assert.Equal(to, capture.Request!.RequestUri!.AbsoluteUri);
        if (from.Contains("/write", StringComparison.Ordinal))
            Assert.Equal("Basic dXNlcjpwYSBzcw==", capture.Request.Headers.Authorization!.ToString());
    }
}

public sealed class InfluxSettingsTests
{
    [Fact]
    public void ToString_never_shows_the_token()
    {
        var s = new InfluxSinkSettings("http://x", "o", "b", "s3cr3t-token");
        Assert.DoesNotContain("s3cr3t", s.ToString());
        Assert.Contains("Token = ***", s.ToString());
        Assert.Equal(5000, s.BatchSize);
    }

    [Theory]
    [InlineData("http://admin:pa55word@influx.local:8086", "http://***@influx.local:8086")]
    [InlineData("https://admin:pa55word@influx.local/api?x=a@b", "https://***@influx.local/api?x=a@b")]
    [InlineData("http://u:p@ss:pa55word@h:1/", "http://***@h:1/")]
    [InlineData("http://pa55word@h", "http://***@h")]
    [InlineData("ftp:pa55word@h", "***@h")]
    [InlineData("http://influx.local:8086/base", "http://influx.local:8086/base")]
    [InlineData("/pa55word@", "/pa55word@")]
    public void A_password_in_the_url_is_never_shown(string url, string shown)
    {
        // Before: ToString (logged as "Forwarding to …") and every forwarder message printed the URL as given.
        Assert.Equal(shown, InfluxSinkSettings.RedactUrl(url));
        var s = new InfluxSinkSettings(url, "o", "b", null);
        Assert.Equal(shown, s.DisplayUrl);
        Assert.Contains("Url = " + shown, s.ToString());
        if (url.Contains('@', StringComparison.Ordinal) && !url.StartsWith('/')) Assert.DoesNotContain("pa55word", s.ToString());
    }

    [Fact]
    public void Token_from_environment_then_file()
    {
        using var dir = new TempDir();
        var file = dir.File("token");
        File.WriteAllText(file, "\n  file-token \n");
        var old = Environment.GetEnvironmentVariable(InfluxToken.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(InfluxToken.EnvironmentVariable, null);
            Assert.Equal("file-token", InfluxToken.Resolve(file));
            Assert.Null(InfluxToken.Resolve());
            Environment.SetEnvironmentVariable(InfluxToken.EnvironmentVariable, "env-token");
            Assert.Equal("env-token", InfluxToken.Resolve(file));
            Environment.SetEnvironmentVariable(InfluxToken.EnvironmentVariable, null);
            var e = Assert.Throws<StoreException>(() => InfluxToken.Resolve(dir.File("missing")));
            Assert.StartsWith("cannot read InfluxDB token file", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(InfluxToken.EnvironmentVariable, old);
        }
    }
}
