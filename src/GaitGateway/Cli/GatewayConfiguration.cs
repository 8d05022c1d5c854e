using System.Text.RegularExpressions;
using GaitGateway.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace GaitGateway.Cli;

/// <summary>
/// Where <c>run</c> and <c>replay</c> read their settings from, in one place. Environment variables use the form the
/// README documents, <c>GAITGW_Influx__Url</c> (the key below section "GaitGateway"); the full form
/// <c>GAITGW_GaitGateway__Influx__Url</c> works as well, the short one winning when both are set. Keys outside the
/// section (<c>GAITGW_Logging__LogLevel__Default</c>) keep their meaning.
/// </summary>
internal static partial class GatewayConfiguration
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

    /// <summary>
    /// Binds section "GaitGateway". A value the binder cannot convert (<c>GAITGW_Influx__BatchSize=lots</c>) is an
    /// input error naming the key and the value, not the binder's InvalidOperationException (which exits 134).
    /// </summary>
    public static GatewayOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        }
        catch (InvalidOperationException e) when (BinderFailure().Match(e.Message) is { Success: true } m)
        {
            var key = m.Groups["key"].Value;
            var what = m.Groups["type"].Value switch
            {
                "System.Int32" or "System.Int64" => "not a whole number",
                "System.Double" => "not a number",
                "System.Boolean" => "not true or false",
                var t => "not a " + t,
            };
            var env = EnvironmentPrefix + key[(GatewayOptions.Section.Length + 1)..].Replace(":", "__", StringComparison.Ordinal);
            throw new Pipeline.InputException($"{env} / {key} = '{configuration[key]}': {what}", e);
        }
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
}
