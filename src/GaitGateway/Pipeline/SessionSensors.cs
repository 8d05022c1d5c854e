using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Storage;

namespace GaitGateway.Pipeline;

/// <summary>The store's view of a session's foot-bound sensors, from a recording header's sensor list.</summary>
public static class SessionSensors
{
    /// <param name="kind">What the store records as the source kind ("bluez", "simulate", or the sensor's own kind).</param>
    public static List<SensorInfo> From(IEnumerable<RecordingSensor> sensors, Func<RecordingSensor, string> kind) =>
        sensors
            .Select(s => (Sensor: s, Ok: FootNames.TryParse(s.Foot, out var foot), Foot: foot))
            .Where(x => x.Ok)
            .Select(x => new SensorInfo(x.Sensor.Index, x.Sensor.Id, x.Foot, kind(x.Sensor), x.Sensor.Firmware, x.Sensor.BatteryPct ?? double.NaN, x.Sensor.SampleRateHz,
                x.Sensor.Manufacturer, x.Sensor.Model, Known(x.Sensor.AccRangeG), Known(x.Sensor.GyroRangeDps), x.Sensor.AttMtu, x.Sensor.SamplesPerPacket))
            .ToList();

    private static double Known(int value) => value > 0 ? value : double.NaN;
}
