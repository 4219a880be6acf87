#!/usr/bin/env bash
# Sweep-service benchmark (not a test): throughput with 1 and 2 workers, the master's CPU use
# while it waits, the store's share of worker time, and the dispatch rate of 10,000 trivial
# cells with 8 ranks oversubscribed. Prints the service's own end-of-run lines.
#   bench/sweep_throughput.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$src/build}/npdesweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

run() {  # run NP SWEEP: prints cells/s and the service's summary line
  local np=$1 sweep=$2 store=$work/$(basename "$2" .toml)-np$1.h5
  local t0=$(date +%s.%N)
  mpirun -np "$np" "$bin" run "$sweep" --store "$store" 2> "$work/err.txt" > /dev/null
  local t1=$(date +%s.%N)
  local cells=$(grep -o '[0-9]* cells, 0 already' "$work/err.txt" | awk '{print $1}')
  printf '%-22s np=%d (%d workers): %6.2f s, %7.2f cells/s\n' "$(basename "$sweep")" "$np" $((np - 1)) \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$cells / ($t1 - $t0)" | bc -l)"
  grep "master CPU" "$work/err.txt" | sed "s/^/    /"
}
for sweep in "$src/sweeps/smoke.toml" "$src/sweeps/paper-burgers.toml"; do
  run 2 "$sweep"
  run 3 "$sweep"
done
run 8 "$src/bench/dispatch-10k.toml"
