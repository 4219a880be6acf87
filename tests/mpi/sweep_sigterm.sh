#!/usr/bin/env bash
# SIGTERM mid-sweep (to the ranks, as SLURM delivers it) and SIGUSR1 (to mpirun, which forwards
# it): the sweep drains and exits 3 within the grace period; a resume completes and equals an
# uninterrupted run. (SIGTERM sent to mpirun itself is forwarded too and the ranks drain, but
# Open MPI's mpirun then reports exit code 1 of its own.)
source "$(dirname "$0")/common.sh"
export SWEEP=$src/tests/mpi/slow-smoke.toml

# until_committed STORE PID: waits (up to 120 s) until the run PID has committed a cell, so a
# signal after it arrives mid-sweep whatever the machine's speed or load
until_committed() {
  for _ in $(seq 1200); do
    [[ -s $1.d/journal ]] && (($(journal_ids "$1" | wc -l) >= 1)) && return 0
    kill -0 "$2" 2> /dev/null || return 0
    sleep 0.1
  done
  fail "no cell committed in 120 s"
}
sweep 3 reference.h5 || fail "reference run exited $?"
for how in ranks-TERM mpirun-USR1; do
  store=drained_$how.h5
  mpirun -np 3 "$bin" run "$SWEEP" --store "$store" --grace 5 > out.txt 2> err.txt &
  pid=$!
  until_committed "$store" $pid
  start=$(date +%s.%N)
  if [[ $how == ranks-TERM ]]; then pkill -TERM -f "^$bin run $SWEEP --store $store"; else kill -USR1 $pid; fi
  code=0
  wait $pid || code=$?
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  [[ $code -eq 3 ]] || { cat err.txt; fail "$how: exit code $code, expected 3"; }
  (( $(echo "$elapsed < 8" | bc) )) || fail "$how: took ${elapsed}s to drain, grace was 5s"
  grep -q "signal received" err.txt || fail "$how: no drain message"
  n=$(journal_ids "$store" | wc -l)
  (( n < 12 )) || fail "$how: the sweep finished before the signal; make the test sweep longer"
  sweep 3 "$store" || fail "$how: resume exited $?"
  same_results reference.h5 "$store" || fail "$how: drained and resumed store differs"
  echo "ok $how: drained with exit 3 in ${elapsed}s after $n cells; resume identical"
done

# SIGTERM to one worker rank only: that worker tells the master, and the whole sweep drains.
store=one_worker.h5
mpirun -np 3 "$bin" run "$SWEEP" --store "$store" --grace 5 > out.txt 2> err.txt &
pid=$!
until_committed "$store" $pid
worker=""
for p in $(ranks_of "^$bin run $SWEEP --store $store"); do
  tr '\0' '\n' < /proc/$p/environ | grep -qx 'OMPI_COMM_WORLD_RANK=2' && worker=$p
done
[[ -n $worker ]] || fail "one-worker: rank 2 not found"
kill -TERM "$worker"
code=0
wait $pid || code=$?
[[ $code -eq 3 ]] || { cat err.txt; fail "one-worker: exit code $code, expected 3"; }
grep -q "signal received by rank 2" err.txt || { cat err.txt; fail "one-worker: the master did not drain on the worker's signal"; }
n=$(journal_ids "$store" | wc -l)
(( n < 12 )) || fail "one-worker: the sweep finished although a worker was told to stop"
sweep 3 "$store" || fail "one-worker: resume exited $?"
same_results reference.h5 "$store" || fail "one-worker: drained and resumed store differs"
echo "ok SIGTERM to one worker: the sweep drained (exit 3, $n cells); resume identical"

# A drain signal early in start-up, before MPI_Init (NPDESWEEP_PAUSE_POINT=start stops each rank
# there; the signal waits until SIGCONT): the run drains at its first chance, exit 3, no hang,
# and a resume completes.
store=early.h5
NPDESWEEP_PAUSE_POINT=start mpirun -np 3 "$bin" run "$SWEEP" --store "$store" --grace 5 > out.txt 2> err.txt &
pid=$!
ranks=""
for _ in $(seq 1200); do
  ranks=$(ranks_of "^$bin run $SWEEP --store $store" || true)
  stopped=0
  for p in $ranks; do [[ $(ps -o stat= -p "$p" 2> /dev/null) == T* ]] && stopped=$((stopped + 1)); done
  ((stopped == 3)) && break
  sleep 0.1
done
((stopped == 3)) || fail "early: the 3 ranks did not reach their pause point ($stopped stopped)"
kill -TERM $ranks
kill -CONT $ranks
code=0
timeout 120 tail --pid=$pid -f /dev/null || { kill -9 $pid; fail "early: the run hung after a signal in start-up"; }
wait $pid || code=$?
[[ $code -eq 3 ]] || { cat err.txt; fail "early: exit code $code after a signal in start-up, expected 3"; }
grep -q "signal received" err.txt || fail "early: no drain message: $(cat err.txt)"
sweep 3 "$store" || fail "early: resume exited $?"
same_results reference.h5 "$store" || fail "early: drained and resumed store differs"
echo "ok a signal before MPI_Init: drained (exit 3); resume identical"

# A time limit drains the same way.
code=0
mpirun -np 3 "$bin" run "$SWEEP" --store limited.h5 --time-limit 2 --grace 1 --quiet || code=$?
[[ $code -eq 3 ]] || fail "--time-limit exit code $code, expected 3"
sweep 3 limited.h5 || fail "resume after the time limit exited $?"
same_results reference.h5 limited.h5 || fail "time-limited and resumed store differs"
echo "sweep_sigterm: all checks passed"
