#!/usr/bin/env bash
# Load test of the live gateway through BlueZ's D-Bus API (issue 5): a private dbus-daemon, the BlueZ simulator
# streaming N shoe clips at 400 Hz (N/2 runners), and the real `gaitgw run` with those clips allow-listed.
# Prints per run: gateway CPU (% of one core, total and per sensor, after a warm-up), the simulator's and
# dbus-daemon's CPU, sensors per core by extrapolation, packets received vs produced, lost packets, socket drops in
# the simulator, strides stored and the gateway's stride latency from its log line at stop: end to end (sensor
# timestamp of the sample that closed the stride, clock-mapped → stride committed to the store, p50/p99) and the
# pipeline's share (closing notification received → stride handed to the store writer, p50/p99).
# Latency needs TIME_SCALE=1 (the sensor clocks must run at wall-clock speed).
#
#   bench/bluez-load.sh [CLIPS ...]        default: 10 20 40
#   DURATION=60 TIME_SCALE=1 WARMUP=10 CONFIG=Release NO_BUILD=1 bench/bluez-load.sh 2
#
# Needs dbus-daemon and dbus-send (apt-get install dbus) and sqlite3. Nothing outside a temporary directory is
# touched (HOME is pointed there too). On a small machine the simulator competes with the gateway for the CPU:
# its share is printed beside the gateway's.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cfg=${CONFIG:-Release}
dur=${DURATION:-60}
ts=${TIME_SCALE:-1}
warmup=${WARMUP:-10}
if [ $# -gt 0 ]; then clips_list=("$@"); else clips_list=(10 20 40); fi
for tool in dbus-daemon dbus-send sqlite3 dotnet; do
  command -v "$tool" >/dev/null || { echo "bluez-load: $tool not found (apt-get install dbus sqlite3)" >&2; exit 2; }
done

if [ -z "${NO_BUILD:-}" ]; then
  dotnet build -c "$cfg" "$repo/src/GaitGateway" -v q -nologo >/dev/null
  dotnet build -c "$cfg" "$repo/src/GaitGateway.BlueZSim" -v q -nologo >/dev/null
fi
gw_dll="$repo/src/GaitGateway/bin/$cfg/net10.0/gaitgw.dll"
sim_dll="$repo/src/GaitGateway.BlueZSim/bin/$cfg/net10.0/GaitGateway.BlueZSim.dll"
[ -f "$gw_dll" ] && [ -f "$sim_dll" ] || { echo "bluez-load: build first ($gw_dll, $sim_dll)" >&2; exit 2; }

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # utime + stime
now_ns() { date +%s%N; }

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

printf '%-6s %-8s %10s %12s %11s %10s %11s %9s %10s %9s %8s %9s %14s %12s\n' \
  clips runners "gw %core" "gw %/sensor" "sensors/cr" "sim %core" "dbus %core" received produced lost dropped strides "e2e p50/p99" "pipe p50/p99"
for clips in "${clips_list[@]}"; do
  tmp=$(mktemp -d /tmp/gaitgw-bluez-load.XXXXXX)
  runners=$(( (clips + 1) / 2 ))

  dbus-daemon --config-file=/usr/share/dbus-1/session.conf --address="unix:path=$tmp/bus" --nofork --print-address >"$tmp/addr" 2>/dev/null &
  dbus_pid=$!; pids+=("$dbus_pid")
  for _ in $(seq 100); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
  bus=$(head -1 "$tmp/addr")

  addrs=(); json=""
  for ((i = 0; i < clips; i++)); do addrs+=("$(printf 'C0:FF:EE:00:%02X:%02X' $((i / 256)) $((i % 256 + 1)))"); done
  for ((r = 0; r < runners; r++)); do
    right=""; [ $((2 * r + 1)) -lt "$clips" ] && right=${addrs[$((2 * r + 1))]}
    json+="${json:+,}{\"Name\":\"r$r\",\"Left\":\"${addrs[$((2 * r))]}\",\"Right\":\"$right\"}"
  done
  printf '{"GaitGateway":{"SensorStatusIntervalS":5,"Runners":[%s]}}\n' "$json" >"$tmp/appsettings.json"

  # The simulator ends when its stdin closes: keep a FIFO open for it.
  mkfifo "$tmp/sim.in"
  exec {sim_in}<>"$tmp/sim.in"
  dotnet "$sim_dll" --bus "$bus" --clips "$clips" --footpods 0 --rate 400 --time-scale "$ts" --plan run-steady \
    --duration 3600 --addresses "$(IFS=,; echo "${addrs[*]}")" <"$tmp/sim.in" >"$tmp/sim.log" 2>&1 &
  sim_pid=$!; pids+=("$sim_pid")
  for _ in $(seq 300); do grep -qs '^READY' "$tmp/sim.log" && break; sleep 0.1; done
  grep -q '^READY' "$tmp/sim.log" || { echo "simulator did not start:"; cat "$tmp/sim.log"; exit 1; }

  HOME=$tmp dotnet "$gw_dll" run --config "$tmp/appsettings.json" --bus "$bus" --store "$tmp/g.db" \
    --duration "$dur" --no-dashboard >"$tmp/gw.log" 2>&1 &
  gw_pid=$!; pids+=("$gw_pid")

  sleep "$warmup"
  g0=$(cpu_ticks "$gw_pid"); s0=$(cpu_ticks "$sim_pid"); d0=$(cpu_ticks "$dbus_pid"); t0=$(now_ns)
  sleep $((dur - warmup - 2))
  g1=$(cpu_ticks "$gw_pid"); s1=$(cpu_ticks "$sim_pid"); d1=$(cpu_ticks "$dbus_pid"); t1=$(now_ns)
  wait "$gw_pid" || { echo "gaitgw run failed:"; cat "$tmp/gw.log"; exit 1; }

  produced=0; sent=0; dropped=0
  for a in "${addrs[@]}"; do
    read -r p s d < <(dbus-send --bus="$bus" --print-reply --dest=org.bluez /com/gaitgateway/sim com.gaitgateway.Sim1.GetStats "string:$a" \
      | awk '/uint64/ {printf "%s ", $2} END {print ""}')
    produced=$((produced + p)); sent=$((sent + s)); dropped=$((dropped + d))
  done
  # Latest sensor_status row per sensor: packets received and lost as the gateway counted them.
  read -r received lost < <(sqlite3 -separator ' ' "$tmp/g.db" \
    "SELECT SUM(packets_received), SUM(packets_lost) FROM sensor_status s WHERE id = (SELECT MAX(id) FROM sensor_status t WHERE t.sensor_id = s.sensor_id);")
  strides=$(sqlite3 "$tmp/g.db" "SELECT COUNT(*) FROM strides;")
  lat=$(sed -n 's/.*to stored p50 \([0-9.-]*\) ms, p99 \([0-9.-]*\) ms.*/\1\/\2/p' "$tmp/gw.log" | tail -1)
  pipe=$(sed -n 's/.*store writer: p50 \([0-9.-]*\) ms, p99 \([0-9.-]*\) ms.*/\1\/\2/p' "$tmp/gw.log" | tail -1)

  awk -v c="$clips" -v r="$runners" -v hz="$hz" -v dt=$(( (t1 - t0) / 1000000 )) \
      -v g=$((g1 - g0)) -v s=$((s1 - s0)) -v d=$((d1 - d0)) \
      -v rec="$received" -v prod="$produced" -v lost="$lost" -v drop="$dropped" -v st="$strides" -v lat="$lat" -v pipe="$pipe" 'BEGIN {
    secs = dt / 1000; gw = 100 * g / hz / secs; per = gw / c
    printf "%-6d %-8d %10.1f %12.2f %11.0f %10.1f %11.1f %9d %10d %9d %8d %9d %14s %12s\n",
      c, r, gw, per, (per > 0 ? 100 / per : 0), 100 * s / hz / secs, 100 * d / hz / secs, rec, prod, lost, drop, st, lat " ms", pipe " ms"
  }'
  grep -E 'Stopped|warn|fail|error' "$tmp/gw.log" | grep -v 'Stopped' | head -5 || true

  kill "$sim_pid" "$dbus_pid" 2>/dev/null || true
  wait "$sim_pid" "$dbus_pid" 2>/dev/null || true
  exec {sim_in}>&-
  pids=()
  [ -n "${KEEP:-}" ] && echo "  kept $tmp" || rm -rf "$tmp"
done
