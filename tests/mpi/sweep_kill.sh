#!/usr/bin/env bash
# kill -9 of mpirun early, mid-sweep and late, and SIGKILL of a rank in the middle of writing a
# row (an injected crash point), then resume: the final store equals an uninterrupted run's, no
# committed cell is lost and none runs twice after its commit.
source "$(dirname "$0")/common.sh"
export SWEEP=$src/tests/mpi/slow-smoke.toml
sweep 3 reference.h5 || fail "reference run exited $?"
cells=12
for delay in 0.3 1.0 1.7 2.4; do
  store=killed_$delay.h5
  kill_sweep_after "$delay" 3 "$store"
  before=$( (journal_ids "$store" 2>/dev/null || true) | wc -l)
  sweep 3 "$store" || fail "resume after kill at ${delay}s exited $?"
  same_results reference.h5 "$store" || fail "store killed at ${delay}s differs after resume"
  ids=$(journal_ids "$store" | wc -l)
  unique=$(journal_ids "$store" | sort -u | wc -l)
  [[ $ids -eq $cells && $unique -eq $cells ]] || fail "killed at ${delay}s: journal has $ids entries, $unique distinct (want $cells)"
  echo "ok kill -9 at ${delay}s: $before cells committed before the kill, store complete and identical after resume"
done
# A rank killed (SIGKILL) in the middle of writing a row: the crash point fires after 4 of the
# row's datasets. mpirun takes the job down; the resume must redo that cell and match.
for cell in 0 7; do
  store=crash_row_$cell.h5
  code=0
  NPDESWEEP_CRASH_POINT="row:$cell" mpirun -x NPDESWEEP_CRASH_POINT -np 3 "$bin" run "$SWEEP" --store "$store" --quiet \
    > /dev/null 2>&1 || code=$?
  [[ $code -ne 0 ]] || fail "the crash point for cell $cell did not fire"
  journal_ids "$store" | grep -qx "$cell" && fail "cell $cell was committed although its row write died"
  sweep 3 "$store" || fail "resume after the crash in cell $cell's row exited $?"
  same_results reference.h5 "$store" || fail "store after a crash in cell $cell's row differs after resume"
  [[ $(journal_ids "$store" | sort -u | wc -l) -eq $cells && $(journal_ids "$store" | wc -l) -eq $cells ]] ||
    fail "crash in cell $cell's row: journal not exactly one commit per cell"
  echo "ok SIGKILL while writing cell $cell's row: not committed, redone on resume, store identical"
done
echo "sweep_kill: all checks passed"
