#!/usr/bin/env bash
# Store benchmark (not a test): what growth costs when nothing needs computing, and how long the
# readers take on large stores.
#   1. 500 trivial cells (bench/dispatch-10k.toml with 5 replicates), run once; then the same
#      sweep resumed (nothing to do) and a reordered copy of it (a new sweep whose 500 cells are
#      all finished: growth rebuilds the file, restores every row from its shard, runs nothing).
#      The difference of the two is what reusing 500 cells costs.
#   2. export, query and status of the 10,000-cell store of bench/dispatch-10k.toml.
# Medians of 3 timings each. Usage: bench/store_growth.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$src/build}/npdesweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cd "$work"

seconds() { local t0=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $t0" | bc; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

sed -e 's/^replicates = 100/replicates = 5/' "$src/bench/dispatch-10k.toml" > c500.toml
# the same 500 cells in another order: another sweep hash, the same content hashes
/usr/bin/python3 - <<'PY'
import re
t = open("c500.toml").read()
m = re.search(r"^resolution = \[(.*?)\]", t, re.M | re.S)
values = [v.strip() for v in m.group(1).split(",") if v.strip()]
open("c500-reordered.toml", "w").write(t[:m.start(1)] + ", ".join(reversed(values)) + t[m.end(1):])
PY
echo "first run of 500 cells: $(seconds mpirun -np 3 "$bin" run c500.toml --store s.h5 --quiet) s"
resume=() grow=()
for k in 1 2 3; do
  resume+=("$(seconds mpirun -np 3 "$bin" run c500.toml --store s.h5 --quiet)")
  grow+=("$(seconds mpirun -np 3 "$bin" run c500-reordered.toml --store s.h5 --quiet)")
  resume+=("$(seconds mpirun -np 3 "$bin" run c500-reordered.toml --store s.h5 --quiet)")
  grow+=("$(seconds mpirun -np 3 "$bin" run c500.toml --store s.h5 --quiet)")
done
r=$(median "${resume[@]}") g=$(median "${grow[@]}")
echo "500 finished cells: resume (nothing to do) ${r} s, growth reusing all 500 ${g} s (medians of 6);"
echo "  reuse cost = ${g} - ${r} = $(echo "$g - $r" | bc) s"
grep -c . s.h5.d/journal | xargs -I{} echo "  journal lines: {} (500 cells + header: nothing recomputed)"

echo "10,000-cell store: $(seconds mpirun -np 8 "$bin" run "$src/bench/dispatch-10k.toml" --store big.h5 --quiet) s to make"
e=() q=() s=()
for k in 1 2 3; do
  e+=("$(seconds "$bin" export big.h5)")
  q+=("$(seconds "$bin" query big.h5 --group-by resolution --stat median --metric max_lambda)")
  s+=("$(seconds "$bin" status big.h5)")
done
echo "10,000 cells: export $(median "${e[@]}") s ($("$bin" export big.h5 | wc -l) lines), query $(median "${q[@]}") s, status $(median "${s[@]}") s (medians of 3)"
