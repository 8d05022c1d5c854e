#!/usr/bin/env bash
# Outage measurement (issue 4): the live gateway runs simulated runners while its InfluxDB URL points at a port with
# nothing listening; we sample the gateway's RSS and the store's size every few seconds (the backlog must grow on
# disk only, memory must stay flat). Then a server is started and the drain of the backlog is timed, into
# VictoriaMetrics and into InfluxDB 1.6 (each from a copy of the same store).
#
#   bench/outage.sh                       # 8 runners x 10x real time for 60 s = 80 runner-minutes of strides
#   RUNNERS=4 SCALE=10 WALL_S=60 bench/outage.sh
#
# "10 minutes of outage": 60 s at --time-scale 10 is 10 simulated minutes per runner; RUNNERS=8 gives the backlog
# of a 10-minute outage of a gateway serving 8 runners.
set -euo pipefail
ROOT=${GAITGW_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
RUNNERS=${RUNNERS:-8}
SCALE=${SCALE:-10}
WALL_S=${WALL_S:-60}
PLAN=${PLAN:-c25k-w6r2}
EVERY_S=${EVERY_S:-5}
OUT=${OUT:-$(mktemp -d /tmp/gaitgw-outage.XXXXXX)}
mkdir -p "$OUT/home"

if [ "${NO_BUILD:-0}" != 1 ]; then
  dotnet build -c Release "$ROOT/src/GaitGateway" -v q -nologo >/dev/null
  dotnet build -c Release "$ROOT/bench/GaitGateway.Benchmarks" -v q -nologo >/dev/null
fi
GW="$ROOT/src/GaitGateway/bin/Release/net10.0/gaitgw.dll"
BENCH="$ROOT/bench/GaitGateway.Benchmarks/bin/Release/net10.0/GaitGateway.Benchmarks.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
DB="$OUT/gw.db"

echo "outage: $RUNNERS runners, $PLAN at ${SCALE}x for ${WALL_S} s, InfluxDB URL http://127.0.0.1:$PORT (nothing listening); files in $OUT"
HOME="$OUT/home" dotnet "$GW" run --simulate "$PLAN" --runners "$RUNNERS" --time-scale "$SCALE" --duration "$WALL_S" \
  --no-dashboard --store "$DB" --influx-url "http://127.0.0.1:$PORT" >"$OUT/gateway.log" 2>&1 &
GW_PID=$!
trap 'kill $GW_PID 2>/dev/null || true' EXIT

printf "%6s %8s %9s %8s\n" t_s rss_MB store_MB strides | tee "$OUT/samples.txt"
START=$(date +%s.%N)
while kill -0 "$GW_PID" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$GW_PID/status" 2>/dev/null || echo 0)
  bytes=$( (cat "$DB" "$DB-wal" 2>/dev/null || true) | wc -c)
  strides=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM strides;' 2>/dev/null || echo 0)
  t=$(echo "$(date +%s.%N) - $START" | bc)
  printf "%6.0f %8s %9.2f %8s\n" "$t" "$rss" "$(echo "$bytes / 1000000" | bc -l)" "$strides" | tee -a "$OUT/samples.txt"
  sleep "$EVERY_S"
done
wait "$GW_PID" || true
trap - EXIT

strides=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM strides;')
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
bytes=$( (cat "$DB" "$DB-wal" 2>/dev/null || true) | wc -c)
echo "backlog: $strides strides, store $(echo "$bytes / 1000000" | bc -l | xargs printf %.2f) MB ($(echo "$bytes / $strides" | bc) B per stride, all tables and indexes)"
grep -m1 -i "write failed" "$OUT/gateway.log" || true
cp "$DB" "$OUT/gw-influx.db"

# Drain into VictoriaMetrics, then into InfluxDB 1.6 (v1 write endpoint) from a copy of the same backlog: the bench
# starts each server on loopback (tests/GaitGateway.Storage.Tests/TestServers.cs) and times the drain.
echo -n "VictoriaMetrics "; dotnet "$BENCH" drain "$DB" vm
echo -n "InfluxDB 1.6 "; dotnet "$BENCH" drain "$OUT/gw-influx.db" influx1
echo "samples: $OUT/samples.txt; gateway log: $OUT/gateway.log"
