#!/usr/bin/env bash
# Regenerates README's simulated-running accuracy tables: simulate run-steady, evaluate each run against its truth,
# print a Markdown table.
#   bench/accuracy-matrix.sh          every rate × strike × speed with ±15° mounting misalignment (seed 3): the main table
#   bench/accuracy-matrix.sh shapes   the widened shapes of issue 11 (impact rings and damping, shoes, double impact,
#                                     planar and 3-D swings, pitched and rolled clips, ±500 °/s gyro, clips on the heel,
#                                     the side of the heel and the toe box, stances that keep turning) at 200/400/1000 Hz
#   bench/accuracy-matrix.sh walking  the `walking` plan (1.2–2.0 m/s, seeds 1–3 unless SEEDS="…") plain and in the
#                                     widened shapes, with a strong forefoot slap, at 100/200/400 Hz; WALK_PLAN=walk-slow
#                                     runs the very slow walk (0.5 m/s, 2-s strides) instead
# DURATION_S (default 300) sets the length of each run; SHAPES="name ..." picks shapes.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/GaitGateway -v q >/dev/null
gw="dotnet src/GaitGateway/bin/Release/net10.0/gaitgw.dll"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
duration=${DURATION_S:-300}

declare -A shape_args=(
  [ring-25Hz]="--impact-hz 25"
  [ring-100Hz]="--impact-hz 100"
  [ring-100Hz-5ms]="--impact-hz 100 --impact-damping-ms 5"
  [soft-shoe]="--shoe soft"
  [hard-shoe]="--shoe hard"
  [double-impact]="--double-impact 0.5"
  [planar-swing]="--swing planar"
  [3d-swing]="--swing 3d"
  [clip-pitched-35]="--mount-deg 0,35,0"
  [clip-rolled-30]="--mount-deg 30,0,0"
  [gyro-500dps]="--gyro-saturation-dps 500"
  [clip-on-heel]="--clip-at heel"
  [clip-lateral-heel]="--clip-at lateral-heel"
  [clip-on-toe-box]="--clip-at toe-box"
  [stance-twist]="--stance-twist-deg 2.5"
  [slap-0.9]="--double-impact 0.9"
)
shape_order="ring-25Hz ring-100Hz ring-100Hz-5ms soft-shoe hard-shoe double-impact planar-swing 3d-swing clip-pitched-35 clip-rolled-30 gyro-500dps clip-on-heel clip-lateral-heel clip-on-toe-box stance-twist"

row() { # shape rate strike speed extra-args...
  local shape=$1 rate=$2 strike=$3 speed=$4; shift 4
  local f="$dir/${shape}_r${rate}_${strike}_${speed}.ggwrec"
  $gw simulate --plan run-steady --out "$f" --rate "$rate" --strike "$strike" --speed "$speed" --mounting-deg 15 --seed 3 --duration-s "$duration" "$@" >/dev/null
  $gw evaluate "$f" | awk -v sh="$shape" -v r="$rate" -v s="$strike" -v v="$speed" '
    /matched/ { gsub(/[()%,]/," "); m=$6 }
    /stride length MAE/ { l=$4 } /cadence MAE/ { c=$3 } /contact time MAE/ { ct=$4 }
    /initial contact MAE/ { ic=$4; gsub(/,/,"",ic); to=$8 } /strike angle MAE/ { sa=$4; gsub(/,/,"",sa); cl=$9 }
    END { printf "|%s %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", (sh == "" ? "" : " " sh " |"), r, s, v, m, l, c, ct, ic, to, sa, cl }'
}

if [[ "${1:-}" == "walking" ]]; then
  echo '| shape | rate [Hz] | seed | matched [%] | stride length MAE [%] | cadence MAE [steps/min] | contact time MAE [ms] | IC MAE [ms] | TO MAE [ms] | strike angle MAE [°] |'
  echo '|---|---|---|---|---|---|---|---|---|---|'
  for shape in ${SHAPES:-none soft-shoe hard-shoe double-impact slap-0.9 planar-swing 3d-swing clip-pitched-35 clip-on-heel clip-lateral-heel clip-on-toe-box}; do
    for rate in 100 200 400; do
      for seed in ${SEEDS:-1 2 3}; do
        f="$dir/walk_${shape}_r${rate}_s${seed}.ggwrec"
        # shellcheck disable=SC2086 # the arguments are split on purpose
        $gw simulate --plan "${WALK_PLAN:-walking}" --out "$f" --rate "$rate" --mounting-deg 15 --seed "$seed" ${shape_args[$shape]:-} >/dev/null
        $gw evaluate "$f" | awk -v sh="$shape" -v r="$rate" -v sd="$seed" '
          /matched/ { gsub(/[()%,]/," "); m=$6 }
          /stride length MAE/ { l=$4 } /cadence MAE/ { c=$3 } /contact time MAE/ { ct=$4 }
          /initial contact MAE/ { ic=$4; gsub(/,/,"",ic); to=$8 } /strike angle MAE/ { sa=$4; gsub(/,/,"",sa) }
          END { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", sh, r, sd, m, l, c, ct, ic, to, sa }'
      done
    done
  done
  exit 0
fi

if [[ "${1:-}" == "shapes" ]]; then
  echo '| shape | rate [Hz] | strike | speed [m/s] | matched [%] | stride length MAE [%] | cadence MAE [steps/min] | contact time MAE [ms] | IC MAE [ms] | TO MAE [ms] | strike angle MAE [°] | strike class right [%] |'
  echo '|---|---|---|---|---|---|---|---|---|---|---|---|'
  for shape in ${SHAPES:-$shape_order}; do
    # shellcheck disable=SC2086 # the arguments are split on purpose
    for combo in "rearfoot 4.5" "$([[ $shape == double-impact ]] && echo rearfoot || echo forefoot) 2.2"; do
      for rate in 200 400 1000; do row "$shape" "$rate" $combo ${shape_args[$shape]}; done
    done
  done
  exit 0
fi

echo '| rate [Hz] | strike | speed [m/s] | matched [%] | stride length MAE [%] | cadence MAE [steps/min] | contact time MAE [ms] | IC MAE [ms] | TO MAE [ms] | strike angle MAE [°] | strike class right [%] |'
echo '|---|---|---|---|---|---|---|---|---|---|---|'
for rate in 200 400 1000; do for strike in rearfoot midfoot forefoot; do for speed in 2.2 4.5; do
  row "" "$rate" "$strike" "$speed"
done; done; done
