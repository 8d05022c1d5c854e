using System.Globalization;
using System.Text.RegularExpressions;
using GaitGateway.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace GaitGateway.Live;

/// <summary>
/// Where <c>run</c> and <c>replay</c> read their settings from, in one place, with bad input as one line (exit 2): a
/// file that is not JSON names the file, line and byte; a value that does not convert or is out of range names its key
/// (Microsoft.Extensions.Configuration throws <see cref="InvalidDataException"/> and
/// <see cref="InvalidOperationException"/> for these, which are not input errors to the CLI: a stack trace, exit 134).
/// Environment variables use the form the README documents, <c>GAITGW_Influx__Url</c> (the key below section
/// "GaitGateway"); the full form <c>GAITGW_GaitGateway__Influx__Url</c> works as well, the short one winning when both
/// are set. Keys outside the section (<c>GAITGW_Logging__LogLevel__Default</c>) keep their meaning.
/// </summary>
public static partial class GatewayConfiguration
{
    public const string EnvironmentPrefix = "GAITGW_";

    /// <summary>Adds both environment forms (full form first, so the documented short form wins).</summary>
    public static IConfigurationBuilder AddGatewayEnvironment(this IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEnvironmentVariables(EnvironmentPrefix).Add(new SectionSource(EnvironmentPrefix, GatewayOptions.Section));
    }

    /// <summary>The environment (both forms), then <paramref name="flags"/> (full keys "GaitGateway:…").</summary>
    public static IConfiguration FromEnvironment(IEnumerable<KeyValuePair<string, string?>> flags) =>
        new ConfigurationBuilder().AddGatewayEnvironment().AddInMemoryCollection(flags).Build();

    /// <summary>Adds the JSON file to <paramref name="builder"/>; a file that does not parse is an <see cref="InputException"/>.</summary>
    public static void AddJsonFile(IConfigurationBuilder builder, string fullPath, bool optional)
    {
        ArgumentNullException.ThrowIfNull(builder);
        try
        {
            builder.AddJsonFile(fullPath, optional);
            if (builder is not IConfigurationRoot) builder.Build(); // a plain builder parses only here
        }
        catch (InvalidDataException e)
        {
            // "Failed to load configuration from file …" wraps the parser's own words (JsonException: line and byte;
            // FormatException: duplicate keys, a top-level array).
            Exception inner = e;
            while (inner.InnerException is { } next) inner = next; // the parser's own message, with its position
            var why = inner.Message;
            throw new InputException($"{fullPath}: not a configuration file: {OneLine(why)}", e);
        }
        catch (IOException e)
        {
            throw new InputException($"{fullPath}: cannot read: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>Binds section "GaitGateway" and checks its values; <paramref name="source"/> names where it came from.</summary>
    public static GatewayOptions Bind(IConfiguration configuration, string source)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        GatewayOptions o;
        try
        {
            o = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        }
        catch (InvalidOperationException e) when (BinderFailure().Match(e.Message) is { Success: true } m)
        {
            // Name the key in both spellings a user may have set it with, the file's and the environment's.
            var key = m.Groups["key"].Value;
            var what = m.Groups["type"].Value switch
            {
                "System.Int32" or "System.Int64" => "not a whole number",
                "System.Double" => "not a number",
                "System.Boolean" => "not true or false",
                var t => "not a " + t,
            };
            var env = key.StartsWith(GatewayOptions.Section + ":", StringComparison.Ordinal)
                ? EnvironmentPrefix + key[(GatewayOptions.Section.Length + 1)..].Replace(":", "__", StringComparison.Ordinal)
                : EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);
            throw new InputException($"{source}: {env} / {key} = '{OneLine(configuration[key] ?? "")}': {what}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new InputException($"{source}: {OneLine(e.Message)}", e);
        }

        string Key(string k) => $"{source}: {GatewayOptions.Section}:{k}";
        if (!(o.SensorStatusIntervalS is > 0 and <= 86_400))
            throw new InputException(Inv($"{Key("SensorStatusIntervalS")} = {o.SensorStatusIntervalS}: use 0 < seconds ≤ 86400"));
        if (!(o.StoreCommitDelayMs is >= 0 and <= 60_000))
            throw new InputException(Inv($"{Key("StoreCommitDelayMs")} = {o.StoreCommitDelayMs}: use 0 to 60000 ms"));
        if (!(o.SimulateTimeScale is > 0 and <= 10_000))
            throw new InputException(Inv($"{Key("SimulateTimeScale")} = {o.SimulateTimeScale}: use 0 < scale ≤ 10000"));
        if (o.SimulateRunners is < 1 or > 1000)
            throw new InputException(Inv($"{Key("SimulateRunners")} = {o.SimulateRunners}: use 1 to 1000"));
        for (var i = 0; i < o.Runners.Count; i++)
        {
            var r = o.Runners[i];
            if (r is null || string.IsNullOrWhiteSpace(r.Name)) throw new InputException($"{Key($"Runners:{i}:Name")}: a runner needs a name");
        }

        var twice = o.Runners.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InputException($"{Key("Runners")}: runner '{OneLine(twice.Key)}' is configured twice");
        return o;
    }

    // Microsoft.Extensions.Configuration.Binder's message: "Failed to convert configuration value at 'K' to type 'T'."
    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BinderFailure();

    /// <summary>GAITGW_X__Y → Section:X:Y for every variable not already naming the section.</summary>
    private sealed class SectionSource(string prefix, string section) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(prefix, section);

        private sealed class Provider(string prefix, string section) : EnvironmentVariablesConfigurationProvider(prefix)
        {
            public override void Load()
            {
                base.Load();
                var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in Data)
                {
                    if (key.Equals(section, StringComparison.OrdinalIgnoreCase) || key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)) continue;
                    mapped[section + ":" + key] = value;
                }

                Data = mapped;
            }
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string OneLine(string s) => string.Concat(s.Select(c => char.IsControl(c) ? ' ' : c));
}
