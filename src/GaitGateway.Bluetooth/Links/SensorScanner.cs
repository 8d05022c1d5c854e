using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Core.Protocol;

namespace GaitGateway.Bluetooth.Links;

/// <summary>A sensor seen in a scan.</summary>
public sealed record DiscoveredSensor(string Address, string? Name, short? RssiDbm, SensorKind Kind);

public static class SensorScanner
{
    /// <summary>Scans for shoe clips (GattUuids.ShoeClipService) and RSC footpods (0x1814).</summary>
    public static async Task<IReadOnlyList<DiscoveredSensor>> ScanAsync(IBleAdapter adapter, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var devices = await adapter.ScanAsync([GattUuids.ShoeClipService, GattUuids.RunningSpeedCadenceService], duration, cancellationToken);
        var result = new List<DiscoveredSensor>();
        foreach (var d in devices)
        {
            var uuids = d.ServiceUuids;
            if (uuids.Contains(GattUuids.ShoeClipService, StringComparer.OrdinalIgnoreCase))
                result.Add(new DiscoveredSensor(d.Address, d.Name, d.RssiDbm, SensorKind.ShoeClip));
            else if (uuids.Contains(GattUuids.RunningSpeedCadenceService, StringComparer.OrdinalIgnoreCase))
                result.Add(new DiscoveredSensor(d.Address, d.Name, d.RssiDbm, SensorKind.RscFootpod));
        }

        return result.OrderBy(s => s.Address, StringComparer.Ordinal).ToList();
    }
}
