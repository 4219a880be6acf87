#!/usr/bin/env bash
# Benchmark (not a test): what the truth cache saves on a real sweep. Runs SWEEP (default the
# paper's gKdV sweep, 6 cells) on RANKS ranks (default 3: 1 master + 2 workers) twice into fresh
# stores, without the cache (--no-truth-cache) and with it, and prints both wall times, their
# ratio, the run's truth-cache line, the cache's size, and whether the two stores are equal on
# every result dataset (they must be: a cached cell uses the doubles another cell computed).
# One run each (a gKdV sweep takes minutes); run it on a quiet machine.
#   bench/truth_cache.sh [SWEEP.toml] [RANKS] [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
sweep=${1:-$src/sweeps/paper-gkdv.toml}
ranks=${2:-3}
bin=${3:-$src/build}/npdesweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cd "$work"

run() {  # run STORE [options]: prints the wall seconds
  local store=$1 t0
  shift
  t0=$(date +%s.%N)
  mpirun -np "$ranks" "$bin" run "$sweep" --store "$store" "$@" > "$store.log" 2>&1 || [[ $? -eq 1 ]]
  echo "$(date +%s.%N) - $t0" | bc
}

plain=$(run plain.h5 --no-truth-cache)
cached=$(run cached.h5)
printf 'sweep %s on %d ranks\n' "$(basename "$sweep")" "$ranks"
printf '  without the truth cache  %8.1f s\n' "$plain"
printf '  with the truth cache     %8.1f s   (%.2fx faster)\n' "$cached" "$(echo "$plain / $cached" | bc -l)"
grep -h "truth cache:" cached.h5.log | sed 's/^/  /'
printf '  cache: %d entries, %s\n' "$(ls cached.h5.d/truth | wc -l)" "$(du -sh cached.h5.d/truth | cut -f1)"
if h5diff --exclude-path /timing plain.h5 cached.h5 > /dev/null; then
  echo "  stores equal on every result dataset"
else
  echo "  STORES DIFFER"
  exit 1
fi
