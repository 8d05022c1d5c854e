using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Core.Protocol;

namespace GaitGateway.Bluetooth.Links;

/// <summary>A sensor found by a scan.</summary>
/// <param name="RssiDbm">Last advertising RSSI BlueZ holds (may be from an earlier discovery when not <paramref name="SeenNow"/>).</param>
/// <param name="SeenNow">Advertised during this scan, or connected: in range now.</param>
/// <param name="Paired">Paired with the adapter.</param>
public sealed record DiscoveredSensor(string Address, string? Name, short? RssiDbm, SensorKind Kind, bool SeenNow = true, bool Paired = false);

public static class SensorScanner
{
    /// <summary>Scans for shoe clips (GattUuids.ShoeClipService) and RSC footpods (0x1814).</summary>
    public static async Task<IReadOnlyList<DiscoveredSensor>> ScanAsync(IBleAdapter adapter, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var started = DateTimeOffset.UtcNow;
        var devices = await adapter.ScanAsync([GattUuids.ShoeClipService, GattUuids.RunningSpeedCadenceService], duration, cancellationToken);
        var result = new List<DiscoveredSensor>();
        foreach (var d in devices)
        {
            var uuids = d.ServiceUuids;
            var seen = d.IsConnected || d.LastSeenUtc >= started;
            if (uuids.Contains(GattUuids.ShoeClipService, StringComparer.OrdinalIgnoreCase))
                result.Add(new DiscoveredSensor(d.Address, d.Name, d.RssiDbm, SensorKind.ShoeClip, seen, d.IsPaired));
            else if (uuids.Contains(GattUuids.RunningSpeedCadenceService, StringComparer.OrdinalIgnoreCase))
                result.Add(new DiscoveredSensor(d.Address, d.Name, d.RssiDbm, SensorKind.RscFootpod, seen, d.IsPaired));
        }

        return result.OrderBy(s => s.Address, StringComparer.Ordinal).ToList();
    }
}
