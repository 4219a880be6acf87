# Shared helpers for the MPI tests: each test gets the binary, the source tree and a scratch dir.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
smoke=$src/sweeps/smoke.toml
export NPDESWEEP=$bin  # the scripts (plot-store, report, python/npdesweep.py) use the binary under test
# plot-store checks every figure it draws (axis labels, legends off the data, labelled log axes,
# legible text) and exits 1 naming what fails: every test that draws figures checks them
export NPDESWEEP_PLOT_CHECK=1

fail() { echo "FAIL: $*" >&2; exit 1; }

# ranks_of PATTERN: the PIDs of the MPI ranks whose command line matches PATTERN (pgrep -f), not
# the processes their cells run in (a fork with the same command line, named npdesweep-cell)
ranks_of() {
  local p
  for p in $(pgrep -f "$1"); do
    [[ $(cat /proc/$p/comm 2> /dev/null) == npdesweep-cell ]] || echo "$p"
  done
}

# sweep NP STORE [options...]: runs the sweep, returns its exit code without stopping the script
sweep() {
  local np=$1 store=$2; shift 2
  local code=0
  mpirun -np "$np" "$bin" run "${SWEEP:-$smoke}" --store "$store" --quiet "$@" || code=$?
  return $code
}

# kill_sweep_after DELAY NP STORE: starts the sweep on STORE (3 ranks unless NP), kill -9s
# mpirun and every rank of it after DELAY seconds, and waits until they are gone
kill_sweep_after() {
  local delay=$1 np=$2 store=$3 pid
  mpirun -np "$np" "$bin" run "${SWEEP:-$smoke}" --store "$store" --quiet > /dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2> /dev/null || true
  wait $pid 2> /dev/null || true
  pkill -9 -f "npdesweep run ${SWEEP:-$smoke} --store $store" 2> /dev/null || true
  sleep 0.2
}

# same_results A B: every result dataset equal (timings excluded)
same_results() { h5diff --exclude-path /timing --exclude-path /provenance "$1" "$2" > /dev/null; }

# status_codes STORE: the /status/code values, space separated
status_codes() { h5ls -d "$1/status/code" | sed -n '/Data:/,$p' | tail -n +2 | tr -d ',' | tr -s ' \n' ' ' | sed 's/^ //'; }

# journal_ids STORE: committed ids, one per line
journal_ids() { tail -n +2 "$1.d/journal" | awk '{print $1}'; }

# same_cells A B: every cell of B is in A (by content hash) with the same status and equal result
# datasets; ids may differ (a grown or merged store numbers its cells by its own history)
same_cells() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
def cells(f):
    ex = f["experiments"]
    return {ex["hash"][i].decode(): (i, ex["group"][i].decode(), ex["row"][i]) for i in range(len(ex["hash"]))}
ca, cb = cells(a), cells(b)
assert set(cb) <= set(ca), f"{len(set(cb) - set(ca))} cells of {sys.argv[2]} missing from {sys.argv[1]}"
for h, (ib, gb, rb) in cb.items():
    ia, ga, ra = ca[h]
    assert a["status/code"][ia] == b["status/code"][ib], (h, a["status/code"][ia], b["status/code"][ib])
    def walk(name, obj):
        # per-row datasets, not the row coordinates (cell ids differ between the stores)
        if isinstance(obj, h5py.Dataset) and obj.ndim and obj.dims[0].label == "row" and name.split("/")[-1] not in ("row", "cell"):
            x, y = a[f"results/{ga}/{name}"][ra], obj[rb]
            assert x.shape == y.shape and np.array_equal(x, y, equal_nan=True), (h, name)
    b[f"results/{gb}"].visititems(walk)
print(f"{len(cb)} cells equal")
PY
}
