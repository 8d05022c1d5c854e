using System.Diagnostics;
using System.Text;
using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Sensors.Simulation;
using Xunit.Abstractions;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>The BlueZ transport against the simulator on a private dbus-daemon.</summary>
public sealed class BlueZTransportTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Scan_finds_both_clips_and_the_footpod_with_name_and_rssi()
    {
        await using var sim = await SimEnvironment.StartAsync();
        await using var adapter = await sim.ConnectAdapterAsync();

        var found = await SensorScanner.ScanAsync(adapter, TimeSpan.FromMilliseconds(500));

        Assert.Equal([SimEnvironment.LeftClip, SimEnvironment.RightClip, SimEnvironment.Footpod], found.Select(f => f.Address));
        Assert.Equal([SensorKind.ShoeClip, SensorKind.ShoeClip, SensorKind.RscFootpod], found.Select(f => f.Kind));
        Assert.All(found, f => Assert.False(string.IsNullOrEmpty(f.Name)));
        Assert.All(found, f => Assert.InRange(f.RssiDbm ?? 0, (short)-100, (short)-20));
    }

    [Fact]
    public async Task Connect_reads_configuration_device_information_and_battery()
    {
        await using var sim = await SimEnvironment.StartAsync();
        await using var adapter = await sim.ConnectAdapterAsync();
        var device = await adapter.FindDeviceAsync(SimEnvironment.LeftClip, [GattUuids.ShoeClipService], Timeout, default);
        Assert.NotNull(device);

        var gatt = await device.ConnectAsync(Timeout, default);

        Assert.True(device.IsConnected);
        var dis = await gatt.GetPrimaryServiceAsync(GattUuids.DeviceInformationService, default);
        var firmware = await (await dis.GetCharacteristicAsync(GattUuids.FirmwareRevision, default)).ReadValueAsync(default);
        Assert.Equal("0.9.0-sim", Encoding.UTF8.GetString(firmware));
        var battery = await (await (await gatt.GetPrimaryServiceAsync(GattUuids.BatteryService, default))
            .GetCharacteristicAsync(GattUuids.BatteryLevel, default)).ReadValueAsync(default);
        Assert.Equal([87], battery);
        var clip = await gatt.GetPrimaryServiceAsync(GattUuids.ShoeClipService, default);
        var configChar = await clip.GetCharacteristicAsync(GattUuids.Configuration, default);
        Assert.True(ShoeClipConfig.TryDecode(await configChar.ReadValueAsync(default), out var config));
        Assert.Equal(ShoeClipConfig.RunningDefault(Foot.Left), config);
        Assert.True((await clip.GetCharacteristicAsync(GattUuids.ImuData, default)).Properties.HasFlag(GattCharacteristicProperties.Notify));

        // A written configuration reads back.
        var wanted = config with { SampleRateHz = 200 };
        var bytes = new byte[ShoeClipConfig.Bytes];
        wanted.Encode(bytes);
        await configChar.WriteValueAsync(bytes, GattWriteType.WithResponse, default);
        Assert.True(ShoeClipConfig.TryDecode(await configChar.ReadValueAsync(default), out var readBack));
        Assert.Equal(wanted, readBack);

        await Assert.ThrowsAsync<BleException>(() => gatt.GetPrimaryServiceAsync(GattUuids.RunningSpeedCadenceService, default));
        await device.DisconnectAsync(default);
        Assert.False(device.IsConnected);
    }

    [Theory]
    [InlineData(GattNotifyMode.PreferSocket)]
    [InlineData(GattNotifyMode.PropertiesChanged)]
    public async Task Notifications_arrive_as_exact_packets_through_either_path(GattNotifyMode mode)
    {
        await using var sim = await SimEnvironment.StartAsync();
        await using var adapter = await sim.ConnectAdapterAsync();
        var device = (await adapter.FindDeviceAsync(SimEnvironment.RightClip, [GattUuids.ShoeClipService], Timeout, default))!;
        var gatt = await device.ConnectAsync(Timeout, default);
        var clip = await gatt.GetPrimaryServiceAsync(GattUuids.ShoeClipService, default);
        var data = await clip.GetCharacteristicAsync(GattUuids.ImuData, default);
        var received = new List<ImuPacketHeader>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using (var sub = await data.StartNotificationsAsync(value =>
                     {
                         Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(value, out var h));
                         lock (received)
                         {
                             received.Add(h);
                             if (received.Count == 10) enough.TrySetResult();
                         }

                         return default;
                     }, mode, default))
        {
            Assert.Equal(mode, sub.Mode);
            if (mode == GattNotifyMode.PreferSocket) Assert.Equal(247, sub.Mtu);
            await (await clip.GetCharacteristicAsync(GattUuids.Control, default)).WriteValueAsync(new[] { (byte)ControlOpcode.StartStreaming }, GattWriteType.WithResponse, default);
            await enough.Task.WaitAsync(Timeout);
        }

        lock (received)
        {
            Assert.True((received[0].Flags & ImuPacketFlags.StreamStart) != 0);
            for (var i = 1; i < received.Count; i++)
            {
                Assert.Equal((ushort)(received[i - 1].Sequence + 1), received[i].Sequence);
                Assert.Equal(received[i - 1].SensorTimeUs + (19 * 2500u), received[i].SensorTimeUs); // 19 samples × 2500 µs at 400 Hz
            }
        }

        output.WriteLine($"{mode}: {received.Count} packets, first seq {received[0].Sequence}");
    }

    [Fact]
    public async Task Simulated_run_streams_both_feet_byte_identical_through_AcquireNotify()
    {
        // 60 s of sensor time at 400 Hz, 19 samples a packet: 1264 packets a foot; a few more to be past 60 s.
        // Time scale 10: ~6.5 s of wall time. Zero loss (the sim's default) so the streams must match exactly.
        const int Packets = 1280;
        const int Seed = 7;
        await using var sim = await SimEnvironment.StartAsync($"--time-scale 10 --plan run-steady --seed {Seed} --speed 3.0 --strike midfoot");
        var settings = new SimulationSettings { Seed = Seed, RunSpeedMps = 3.0, StrikePattern = StrikePattern.Midfoot, PacketLossProbability = 0 };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var expected = new[] { run.Left, run.Right }.Select(c => c.Notifications().Take(Packets).Select(n => n.Payload.ToArray()).ToList()).ToArray();
        await using var adapter = await sim.ConnectAdapterAsync();
        var received = new[] { new List<byte[]>(), new List<byte[]>() };
        var done = new[] { NewSignal(), NewSignal() };
        var subscriptions = new List<IGattNotificationSubscription>();
        var controls = new List<IGattCharacteristic>();
        try
        {
            foreach (var (address, i) in new[] { (SimEnvironment.LeftClip, 0), (SimEnvironment.RightClip, 1) })
            {
                var device = (await adapter.FindDeviceAsync(address, [GattUuids.ShoeClipService], Timeout, default))!;
                var gatt = await device.ConnectAsync(Timeout, default);
                var clip = await gatt.GetPrimaryServiceAsync(GattUuids.ShoeClipService, default);
                var data = await clip.GetCharacteristicAsync(GattUuids.ImuData, default);
                var list = received[i];
                var signal = done[i];
                var sub = await data.StartNotificationsAsync(value =>
                {
                    lock (list)
                    {
                        list.Add(value.ToArray());
                        if (list.Count == Packets) signal.TrySetResult();
                    }

                    return default;
                }, GattNotifyMode.PreferSocket, default);
                Assert.Equal(GattNotifyMode.PreferSocket, sub.Mode);
                subscriptions.Add(sub);
                controls.Add(await clip.GetCharacteristicAsync(GattUuids.Control, default));
            }

            foreach (var control in controls)
                await control.WriteValueAsync(new[] { (byte)ControlOpcode.StartStreaming }, GattWriteType.WithResponse, default);
            await Task.WhenAll(done.Select(d => d.Task)).WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            foreach (var sub in subscriptions) await sub.DisposeAsync();
        }

        for (var foot = 0; foot < 2; foot++)
        {
            List<byte[]> got;
            lock (received[foot]) got = received[foot].Take(Packets).ToList();
            for (var k = 0; k < Packets; k++)
                Assert.True(expected[foot][k].AsSpan().SequenceEqual(got[k]), $"foot {foot} packet {k} differs");
            Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(got[0], out var first));
            Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(got[^1], out var last));
            var spanS = unchecked(last.SensorTimeUs - first.SensorTimeUs) / 1e6;
            Assert.True(spanS >= 60, $"only {spanS:0.0} s of sensor time");
            output.WriteLine($"foot {foot}: {Packets} packets identical, {spanS:0.0} s of sensor time, first seq {first.Sequence}");
        }

        static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [Fact]
    public async Task When_the_plan_ends_it_starts_again_as_one_continuous_stream()
    {
        // run-steady of 10 s + 3 s lead-in + 2 s lead-out = 15 s a pass; 40 s of sensor time crosses two pass ends.
        const int Seed = 3;
        await using var sim = await SimEnvironment.StartAsync($"--time-scale 10 --seed {Seed} --duration 10");
        var settings = new SimulationSettings { Seed = Seed, PlanDurationS = 10, PacketLossProbability = 0 };
        var clip = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings).Right;
        var pass = clip.Notifications().Select(n => n.Payload.ToArray()).ToList();
        var wanted = (int)(40 / (19 / 400.0));
        await using var adapter = await sim.ConnectAdapterAsync();
        var device = (await adapter.FindDeviceAsync(SimEnvironment.RightClip, [GattUuids.ShoeClipService], Timeout, default))!;
        var service = await (await device.ConnectAsync(Timeout, default)).GetPrimaryServiceAsync(GattUuids.ShoeClipService, default);
        var data = await service.GetCharacteristicAsync(GattUuids.ImuData, default);
        var received = new List<byte[]>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await data.StartNotificationsAsync(value =>
                     {
                         lock (received)
                         {
                             received.Add(value.ToArray());
                             if (received.Count == wanted) enough.TrySetResult();
                         }

                         return default;
                     }, GattNotifyMode.PreferSocket, default))
        {
            await (await service.GetCharacteristicAsync(GattUuids.Control, default)).WriteValueAsync(new[] { (byte)ControlOpcode.StartStreaming }, GattWriteType.WithResponse, default);
            await enough.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        List<byte[]> got;
        lock (received) got = received.Take(wanted).ToList();
        output.WriteLine($"sim (produced, sent, dropped) = {await sim.GetStatsAsync(SimEnvironment.RightClip)}");
        Assert.True(got.Count > 2 * pass.Count, $"{got.Count} packets do not cross two pass ends ({pass.Count} a pass)");
        var headers = got.Select(b => ImuPacket.TryDecodeHeader(b, out var h) == ImuPacketError.None ? h : throw new InvalidDataException()).ToList();
        for (var k = 0; k < got.Count; k++)
        {
            // Every pass carries the simulator's samples unchanged; the first pass is the simulator's bytes exactly.
            var original = pass[k % pass.Count];
            Assert.True(original.AsSpan(k < pass.Count ? 0 : ImuPacket.HeaderBytes).SequenceEqual(got[k].AsSpan(k < pass.Count ? 0 : ImuPacket.HeaderBytes)),
                $"packet {k} of {pass.Count}: {Convert.ToHexString(original.AsSpan(0, 24))} vs {Convert.ToHexString(got[k].AsSpan(0, 24))}");
            Assert.Equal(k == 0, (headers[k].Flags & ImuPacketFlags.StreamStart) != 0);
            if (k == 0) continue;
            Assert.Equal(unchecked((ushort)(headers[k - 1].Sequence + 1)), headers[k].Sequence);
            Assert.Equal(unchecked(headers[k - 1].SensorTimeUs + ((uint)headers[k - 1].SampleCount * 2500u)), headers[k].SensorTimeUs);
        }

        output.WriteLine($"{got.Count} packets over {got.Count / (double)pass.Count:0.0} passes of {pass.Count}, contiguous");
    }

    [Fact]
    public async Task Socket_notifications_fall_back_to_PropertiesChanged_when_AcquireNotify_is_refused()
    {
        await using var sim = await SimEnvironment.StartAsync();
        await sim.SetAcquireNotifySupportedAsync(false);
        await using var adapter = await sim.ConnectAdapterAsync();
        var device = (await adapter.FindDeviceAsync(SimEnvironment.LeftClip, [GattUuids.ShoeClipService], Timeout, default))!;
        var gatt = await device.ConnectAsync(Timeout, default);
        var data = await (await gatt.GetPrimaryServiceAsync(GattUuids.ShoeClipService, default)).GetCharacteristicAsync(GattUuids.ImuData, default);

        await using var sub = await data.StartNotificationsAsync(_ => default, GattNotifyMode.PreferSocket, default);

        Assert.Equal(GattNotifyMode.PropertiesChanged, sub.Mode);
    }

    [Fact]
    public async Task Socket_subscription_completes_on_link_loss()
    {
        await using var sim = await SimEnvironment.StartAsync();
        await using var adapter = await sim.ConnectAdapterAsync();
        var device = (await adapter.FindDeviceAsync(SimEnvironment.LeftClip, [GattUuids.ShoeClipService], Timeout, default))!;
        var disconnected = new TaskCompletionSource<BleDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.Disconnected += (_, e) => disconnected.TrySetResult(e.Reason);
        var gatt = await device.ConnectAsync(Timeout, default);
        var data = await (await gatt.GetPrimaryServiceAsync(GattUuids.ShoeClipService, default)).GetCharacteristicAsync(GattUuids.ImuData, default);
        await using var sub = await data.StartNotificationsAsync(_ => default, GattNotifyMode.PreferSocket, default);

        await sim.LinkLossAsync(SimEnvironment.LeftClip);

        await sub.Completion.WaitAsync(Timeout);
        Assert.Equal(BleDisconnectReason.LinkLost, await disconnected.Task.WaitAsync(Timeout));
        Assert.False(device.IsConnected);
    }

    internal static async Task<T> Eventually<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var v = probe();
            if (done(v)) return v;
            if (sw.Elapsed > timeout) throw new TimeoutException($"{what}: still {v} after {timeout.TotalSeconds:0.#} s");
            await Task.Delay(50);
        }
    }
}
