#!/usr/bin/env bash
# Benchmark (not a test): how far `plan`'s cost estimate is from the measured worker time, phase
# by phase. Runs each SWEEP into a fresh store on RANKS ranks (default 3: 1 master + 2 workers)
# and prints, per sweep, plan's estimated core-seconds (truth data, training, analysis, total)
# beside the seconds the workers measured for the same phases (query --stat sum over every
# cell's truth_seconds, training_seconds, analysis_seconds; cells that diverged count what they
# ran), and their ratio measured / estimated. Without the truth cache's reuse across runs: each
# store is fresh (`--no-truth-cache`), so every cell computes its own truth maps, and the
# estimate is the cells' sum (plan's per-cell seconds). Run it on a quiet machine.
#   bench/cost_model.sh [RANKS] [BUILD_DIR] SWEEP.toml ...
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-3}
bin=${2:-$src/build}/npdesweep
shift 2 || true
sweeps=("$@")
((${#sweeps[@]})) || sweeps=("$src/sweeps/paper-burgers.toml")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cd "$work"
printf '%-28s %5s | %-31s | %-31s | %s\n' "sweep" "cells" "estimated s: truth train anal." "measured s: truth train anal." "measured / estimated"
for sweep in "${sweeps[@]}"; do
  name=$(basename "$sweep" .toml)
  "$bin" plan "$sweep" --cells --format json > "$name.cells.json"
  cells=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open('$name.cells.json'))))")
  # the cells' own estimates, summed (no sharing: the truth cache is off below)
  read -r et etr ea < <("$bin" plan "$sweep" | sed -n 's/^estimated cost: about .* core-seconds (truth data \([^,]*\), training \([^,]*\), analysis \([^)]*\)).*/\1 \2 \3/p')
  shared=$("$bin" plan "$sweep" | sed -n 's/^  (\([^ ]*\) core-seconds less than the cells.*/\1/p')
  ea=$(echo "$ea + ${shared:-0}" | bc -l)
  wall0=$(date +%s.%N)
  mpirun -np "$ranks" "$bin" run "$sweep" --store "$name.h5" --quiet --no-truth-cache > "$name.log" 2>&1 || [[ $? -eq 1 ]]
  wall=$(echo "$(date +%s.%N) - $wall0" | bc -l)
  sum() { "$bin" query "$name.h5" --stat sum --metric "$1" --format csv | tail -1 | cut -d, -f1; }
  mt=$(sum truth_seconds) mtr=$(sum training_seconds) ma=$(sum analysis_seconds)
  /usr/bin/python3 - "$name" "$cells" "$et" "$etr" "$ea" "$mt" "$mtr" "$ma" "$wall" <<'PY'
import sys
name, cells = sys.argv[1], int(sys.argv[2])
et, etr, ea, mt, mtr, ma, wall = map(float, sys.argv[3:])
ratio = lambda m, e: f"{m / e:.2f}" if e > 0 else "-"
print(f"{name:<28} {cells:5d} | {et:9.3g} {etr:9.3g} {ea:9.3g} | {mt:9.3g} {mtr:9.3g} {ma:9.3g} | "
      f"total {ratio(mt + mtr + ma, et + etr + ea)} (truth {ratio(mt, et)}, training {ratio(mtr, etr)}, "
      f"analysis {ratio(ma, ea)}); wall {wall:.1f} s")
PY
done
