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
  for p in $(ranks_of "^$bin run $SWEEP --store $1"); do
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
  outlived=no
  for _ in $(seq 50); do kill -0 "$worker" 2> /dev/null || break; sleep 0.1; done
  kill -0 "$worker" 2> /dev/null && outlived=yes
  kill -CONT "$worker" 2> /dev/null || true
  pkill -9 -f "^$bin run $SWEEP --store $store" 2> /dev/null || true
  [[ $code -eq 3 ]] || { cat err_$how.txt; fail "$how: exit code $code, expected 3"; }
  [[ $outlived == no ]] || fail "$how: the stopped worker outlived the run"
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
# The master itself stalls past the deadline (SIGSTOP rank 0 until well after the time limit,
# then SIGCONT): the reports the workers sent meanwhile are received and committed, not thrown
# away; no healthy worker is called silent.
store=stalled.h5
mpirun -np 3 "$bin" run "$SWEEP" --store "$store" --time-limit 20 --grace 3 > out.txt 2> err_stalled.txt &
pid=$!
for _ in $(seq 1200); do  # until a cell is committed (the workers are computing), up to 120 s
  [[ -s $store.d/journal ]] && (($(journal_ids "$store" | wc -l) >= 1)) && break
  sleep 0.1
done
master=$(rank_pid "$store" 0)
[[ -n $master ]] || fail "stalled: rank 0 not found"
kill -STOP "$master"
before=$(journal_ids "$store" | wc -l)
sleep 26  # past the time limit (20 s from the start) and its allowance
kill -CONT "$master"
code=0
wait $pid || code=$?
[[ $code -eq 3 ]] || { cat err_stalled.txt; fail "stalled: exit code $code, expected 3"; }
if grep -q "did not answer" err_stalled.txt; then cat err_stalled.txt; fail "stalled: healthy workers called silent"; fi
after=$(journal_ids "$store" | wc -l)
((after > before)) || { cat err_stalled.txt; fail "stalled: the reports that waited were not committed ($before before the stall, $after after)"; }
[[ $(journal_ids "$store" | sort | uniq -d) == "" ]] || fail "stalled: a cell committed twice"
sweep 3 "$store" || fail "stalled: resume exited $?"
same_results reference.h5 "$store" || fail "stalled: resumed store differs from the uninterrupted run"
echo "ok stalled master: exit 3, $((after - before)) cells whose reports waited through the stall committed; resume identical"
echo "sweep_silent_rank: all checks passed"
