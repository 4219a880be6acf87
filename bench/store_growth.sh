#!/usr/bin/env bash
# Store benchmark (not a test): what growth costs when nothing needs computing, and how long the
# readers take on large stores.
#   1. 500 trivial cells (bench/dispatch-10k.toml's cells), run once; then the same sweep resumed
#      (nothing to do) and a reordered copy of it (a new sweep whose 500 cells are all finished:
#      growth moves the file aside, makes a new one, copies every row, runs nothing). The
#      difference of the two is what reusing 500 cells costs. Twice: 5 resolutions x 100
#      replicates (5 results groups), and 100 resolutions x 5 replicates (100 groups: there the
#      new file's ~2000 datasets, created collectively, cost more than the rows).
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

growth() {  # NAME RESOLUTIONS REPLICATES
  # the same 500 cells in two orders: two sweep hashes, the same content hashes
  /usr/bin/python3 - "$src/bench/dispatch-10k.toml" "$1" "$2" "$3" <<'PY'
import re, sys
t = open(sys.argv[1]).read().replace("replicates = 100", "replicates = " + sys.argv[4])
m = re.search(r"^resolution = \[(.*?)\]", t, re.M | re.S)
values = [str(8 + k) for k in range(int(sys.argv[3]))]
for name, v in ((sys.argv[2], values), (sys.argv[2] + "-reordered", values[::-1])):
    open(name + ".toml", "w").write(t[:m.start(1)] + ", ".join(v) + t[m.end(1):])
PY
  echo "$1: first run of 500 cells: $(seconds mpirun -np 3 "$bin" run $1.toml --store $1.h5 --quiet) s"
  local resume=() grow=()
  for k in 1 2 3; do
    resume+=("$(seconds mpirun -np 3 "$bin" run $1.toml --store $1.h5 --quiet)")
    grow+=("$(seconds mpirun -np 3 "$bin" run $1-reordered.toml --store $1.h5 --quiet)")
    resume+=("$(seconds mpirun -np 3 "$bin" run $1-reordered.toml --store $1.h5 --quiet)")
    grow+=("$(seconds mpirun -np 3 "$bin" run $1.toml --store $1.h5 --quiet)")
  done
  local r=$(median "${resume[@]}") g=$(median "${grow[@]}")
  echo "  resume (nothing to do) ${r} s, growth reusing all 500 ${g} s (medians of 6): reuse cost $(echo "$g - $r" | bc) s;" \
       "journal lines $(grep -c . $1.h5.d/journal) (500 + header: nothing recomputed)"
}
growth groups5 5 100
growth groups100 100 5

echo "10,000-cell store: $(seconds mpirun -np 8 "$bin" run "$src/bench/dispatch-10k.toml" --store big.h5 --quiet) s to make"
e=() q=() s=()
for k in 1 2 3; do
  e+=("$(seconds "$bin" export big.h5)")
  q+=("$(seconds "$bin" query big.h5 --group-by resolution --stat median --metric max_lambda)")
  s+=("$(seconds "$bin" status big.h5)")
done
echo "10,000 cells: export $(median "${e[@]}") s ($("$bin" export big.h5 | wc -l) lines), query $(median "${q[@]}") s, status $(median "${s[@]}") s (medians of 3)"
