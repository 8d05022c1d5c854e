#!/usr/bin/env bash
# Regenerates README's simulated-running accuracy table: simulate run-steady at every rate × strike × speed with
# ±15° mounting misalignment (seed 3), evaluate each against its truth, print a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/GaitGateway -v q >/dev/null
gw="dotnet src/GaitGateway/bin/Release/net10.0/gaitgw.dll"
dir=$(mktemp -d)
echo '| rate [Hz] | strike | speed [m/s] | matched [%] | stride length MAE [%] | cadence MAE [steps/min] | contact time MAE [ms] | IC MAE [ms] | TO MAE [ms] | strike angle MAE [°] | strike class right [%] |'
echo '|---|---|---|---|---|---|---|---|---|---|---|'
for rate in 200 400 1000; do for strike in rearfoot midfoot forefoot; do for speed in 2.2 4.5; do
  f="$dir/r${rate}_${strike}_${speed}.ggwrec"
  $gw simulate --plan run-steady --out "$f" --rate $rate --strike $strike --speed $speed --mounting-deg 15 --seed 3 >/dev/null
  $gw evaluate "$f" | awk -v r=$rate -v s=$strike -v v=$speed '
    /matched/ { gsub(/[()%,]/," "); m=$6 }
    /stride length MAE/ { l=$4 } /cadence MAE/ { c=$3 } /contact time MAE/ { ct=$4 }
    /initial contact MAE/ { ic=$4; gsub(/,/,"",ic); to=$8 } /strike angle MAE/ { sa=$4; gsub(/,/,"",sa); cl=$9 }
    END { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r, s, v, m, l, c, ct, ic, to, sa, cl }'
done; done; done
rm -rf "$dir"
