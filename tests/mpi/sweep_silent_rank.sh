#!/usr/bin/env bash
# A worker that stops answering (SIGSTOP here; on a cluster a hung file system or a node that
# is gone) cannot hold the run past its deadline: under --time-limit, and after a SIGUSR1 drain,
# the master waits until the deadline plus the report allowance (2 s), then ends the run with
# exit 3 and names the silent rank and its cell. Nothing committed is lost, the silent rank's
# cell is not committed, and the same command resumes to a store equal to an uninterrupted run.
source "$(dirname "$0")/common.sh"
export SWEEP=$src/tests/mpi/slow-smoke.toml
sweep 3 reference.h5 || fail "reference run exited $?"

# rank_pid STORE RANK: the pid of that rank of the run on STORE
rank_pid() {
  local p
  for p in $(pgrep -f "^$bin run $SWEEP --store $1"); do
    tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2" && { echo "$p"; return; }
  done
}

for how in time-limit usr1; do
  store=silent_$how.h5
  args=(--time-limit 10 --grace 2)
  [[ $how == usr1 ]] && args=(--grace 2)
  mpirun -np 3 "$bin" run "$SWEEP" --store "$store" "${args[@]}" > out.txt 2> err_$how.txt &
  pid=$!
  sleep 2
  worker=$(rank_pid "$store" 2)
  [[ -n $worker ]] || fail "$how: rank 2 not found"
  start=$(date +%s.%N)
  kill -STOP "$worker"
  # The deadline: the time limit (10 s after the start, 8 s from here at most), or the grace
  # (2 s) after the drain signal.
  [[ $how == usr1 ]] && { sleep 1; kill -USR1 $pid; }
  code=0
  wait $pid || code=$?
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  kill -CONT "$worker" 2> /dev/null || true
  pkill -9 -f "^$bin run $SWEEP --store $store" 2> /dev/null || true
  [[ $code -eq 3 ]] || { cat err_$how.txt; fail "$how: exit code $code, expected 3"; }
  # deadline + 2 s allowance + the abort; a run that waited for SIGCONT would never end here
  (( $(echo "$elapsed < 14" | bc) )) || fail "$how: ended ${elapsed}s after the worker stopped"
  grep -q "rank 2 did not answer within 2 s after the drain's deadline" err_$how.txt ||
    { cat err_$how.txt; fail "$how: the silent rank is not named"; }
  held=$(grep -o "the cells it held stay pending: [0-9none]*" err_$how.txt | awk '{print $NF}')
  [[ -n $held ]] || fail "$how: the silent rank's cell is not named"
  if [[ $held != none ]]; then
    journal_ids "$store" | grep -qx "$held" && fail "$how: the silent rank's cell $held was committed"
  fi
  n=$(journal_ids "$store" | wc -l)
  (( n < 12 )) || fail "$how: the sweep finished before the deadline; make the test sweep longer"
  [[ $(journal_ids "$store" | sort | uniq -d) == "" ]] || fail "$how: a cell committed twice"
  sweep 3 "$store" || fail "$how: resume exited $?"
  same_results reference.h5 "$store" || fail "$how: resumed store differs from the uninterrupted run"
  [[ $(journal_ids "$store" | sort | uniq -d) == "" ]] || fail "$how: a cell committed twice after the resume"
  echo "ok $how: exit 3 ${elapsed}s after rank 2 stopped ($n cells committed, cell $held left pending); resume identical"
done
echo "sweep_silent_rank: all checks passed"
