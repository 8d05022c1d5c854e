using System.Globalization;
using GaitGateway.Pipeline;
using Microsoft.Extensions.Configuration;

namespace GaitGateway.Live;

/// <summary>
/// Reading <c>appsettings.json</c> into <see cref="GatewayOptions"/> with bad input as one line (exit 2): a file that
/// is not JSON names the file, line and byte; a value that does not convert or is out of range names its key.
/// Microsoft.Extensions.Configuration throws <see cref="InvalidDataException"/> and
/// <see cref="InvalidOperationException"/> for these, which are not input errors to the CLI (a stack trace, exit 134).
/// </summary>
public static class GatewayConfiguration
{
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
        catch (InvalidOperationException e)
        {
            // "Failed to convert configuration value at 'GaitGateway:SensorStatusIntervalS' to type 'System.Double'."
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

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string OneLine(string s) => string.Concat(s.Select(c => char.IsControl(c) ? ' ' : c));
}
