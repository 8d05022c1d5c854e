using System.Text.Json;
using System.Text.Json.Serialization;

namespace GaitGateway.Storage.Influx;

/// <summary>The JSON that central mode keeps in string fields (a session's sensors), written and read the same way.</summary>
public static class CentralJson
{
    /// <summary>camelCase, enums as words, NaN as "NaN" (a sensor's unknown battery or rate).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Sensors(IReadOnlyList<SensorInfo> sensors) => JsonSerializer.Serialize(sensors, Options);

    public static IReadOnlyList<SensorInfo> ParseSensors(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<SensorInfo[]>(json, Options) ?? [];

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
