using System.Text.Json.Nodes;
using CsCheck;
using GaitGateway.Live;
using GaitGateway.Pipeline;
using Microsoft.Extensions.Configuration;

namespace GaitGateway.Tests.Fuzz;

/// <summary>
/// Fuzz target of the configuration: samples/appsettings.json with values replaced (wrong types, out of range, NaN,
/// null, arrays for objects), keys renamed, text truncated or garbled; loading and binding it either gives
/// <see cref="GatewayOptions"/> or an <see cref="InputException"/> naming the file — never any other exception.
/// </summary>
public sealed class ConfigurationFuzzTests
{
    private const int Seconds = 4;

    private static readonly JsonNode?[] Values =
    [
        null, -1, 0, 1, 1e308, "abc", "", "NaN", "-Infinity", "1e400", true, "5", new JsonArray(), new JsonObject(),
        new JsonArray(new JsonObject { ["Name"] = "x" }, new JsonObject { ["Name"] = "x" }), "http://[::1", "\u0000",
    ];

    private static readonly string[] Keys =
    [
        "SensorStatusIntervalS", "StoreCommitDelayMs", "SimulateTimeScale", "SimulateRunners", "Runners", "Influx", "Dashboard",
        "Store", "Simulate", "Runners:0", "Runners:0:Name", "Runners:1:Left", "Influx:BatchSize", "Influx:Url", "Influx:Mode",
        "Dashboard:Enabled", "Dashboard:Urls",
    ];

    private static string Valid => File.ReadAllText(Path.Combine(Repo.Root, "samples", "appsettings.json"));

    private static readonly Gen<string> Config = Gen.OneOf(
        Gen.Select(Gen.Int[0, Keys.Length - 1], Gen.Int[0, Values.Length - 1]).Select((k, v) =>
        {
            var root = JsonNode.Parse(Valid)!;
            JsonNode node = root["GaitGateway"]!;
            var path = Keys[k].Split(':');
            for (var i = 0; i < path.Length - 1; i++)
            {
                var next = int.TryParse(path[i], out var n) ? (node is JsonArray a && n < a.Count ? a[n] : null) : node[path[i]];
                if (next is null) return root.ToJsonString();
                node = next;
            }

            if (node is JsonObject o) o[path[^1]] = Values[v]?.DeepClone();
            return root.ToJsonString();
        }),
        Gen.Int[0, 600].Select(n => Valid[..Math.Min(n, Valid.Length)]),
        Gen.Select(Gen.Int[0, 600], Gen.Char["{}[],:\"\\ 0a\u0000"]).Select((at, c) => Valid.Insert(Math.Min(at, Valid.Length), c.ToString())),
        Gen.Const("[1, 2]"), Gen.Const(""), Gen.Const("{\"GaitGateway\": 5}"), Gen.Const("{\"a\": 1, \"a\": 2}"));

    [Fact]
    public void Any_configuration_binds_or_fails_with_an_input_error_naming_the_file()
    {
        var dir = Repo.TempDir();
        var runs = 0;
        var bound = 0;
        Config.Sample(text =>
        {
            var path = Path.Combine(dir, "appsettings.json");
            File.WriteAllText(path, text);
            runs++;
            try
            {
                var configuration = new ConfigurationManager();
                GatewayConfiguration.AddJsonFile(configuration, path, optional: false);
                _ = GatewayConfiguration.Bind(configuration, path);
                bound++;
            }
            catch (InputException e)
            {
                Assert.StartsWith(path + ": ", e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
        }, time: Seconds, threads: 1);
        Assert.True(runs > 100, $"only {runs} configurations in {Seconds} s");
        Assert.True(bound > 0 && bound < runs, $"{bound} of {runs} bound: the generator should make both");
    }
}
