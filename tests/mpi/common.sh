# Shared helpers for the MPI tests: each test gets the binary, the source tree and a scratch dir.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
smoke=$src/sweeps/smoke.toml

fail() { echo "FAIL: $*" >&2; exit 1; }

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
same_results() { h5diff --exclude-path /timing "$1" "$2" > /dev/null; }

# status_codes STORE: the /status/code values, space separated
status_codes() { h5ls -d "$1/status/code" | sed -n '/Data:/,$p' | tail -n +2 | tr -d ',' | tr -s ' \n' ' ' | sed 's/^ //'; }

# journal_ids STORE: committed ids, one per line
journal_ids() { tail -n +2 "$1.d/journal" | awk '{print $1}'; }
