#!/usr/bin/env bash
# Time budgets never compare clocks across ranks. Each rank below runs in its own time namespace
# (unshare --time --monotonic OFFSET, through mpirun's MPMD syntax), so the ranks' steady clocks
# disagree by days, as on different nodes:
#   A. workers ahead of and behind the master, a budget that allows the whole sweep: every cell
#      finishes, exit 0, the store equals an uninterrupted run;
#   B. workers a day and two days ahead, a budget that does not allow it: the master drains at
#      limit - grace by its own clock, cells that finished before are committed, exit 3, and a
#      resume completes the store;
#   C. workers behind the master, cells in their Jacobian analysis when the budget ends: the
#      workers abandon them at the limit (not when the analysis ends) and the run exits 3;
#   D. SIGTERM while the cells are in analysis: the drain ends within the grace period.
# Exit 77 (skipped) only where the kernel refuses time namespaces.
source "$(dirname "$0")/../mpi/common.sh"
unshare --time --monotonic 86400 --fork true 2> /dev/null ||
  { echo "SKIPPED: this kernel refuses time namespaces (unshare --time): $(unshare --time --fork true 2>&1)"; exit 77; }
export SWEEP=$src/tests/mpi/slow-smoke.toml
heavy=$src/tests/nodes/analysis-heavy.toml
day=86400

# skewed MASTER_OFFSET WORKER1_OFFSET WORKER2_OFFSET SWEEP STORE [run options]: one rank per
# offset (seconds added to that rank's monotonic clock); returns run's exit code.
skewed() {
  local m=$1 w1=$2 w2=$3 file=$4 store=$5; shift 5
  local cmd=("$bin" run "$file" --store "$store" "$@")
  local code=0
  mpirun -np 1 unshare --time --monotonic "$m" --fork "${cmd[@]}" \
       : -np 1 unshare --time --monotonic "$w1" --fork "${cmd[@]}" \
       : -np 1 unshare --time --monotonic "$w2" --fork "${cmd[@]}" || code=$?
  return $code
}
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
# drain_at ERRFILE: the budget second at which the master started draining (from its message)
drain_at() { grep -o 'time limit near after [0-9.]* s' "$1" | awk '{print $5}'; }

sweep 3 reference.h5 || fail "reference run exited $?"

# A. Ahead and behind, enough budget: everything finishes.
code=0
skewed $day $((2 * day)) 0 "$SWEEP" a.h5 --time-limit 300 --quiet || code=$?
[[ $code -eq 0 ]] || fail "A: exit $code with a 300 s budget, expected 0 (a skewed clock cut cells off)"
same_results reference.h5 a.h5 || fail "A: the store differs from an uninterrupted run"
echo "ok A: workers a day ahead and a day behind the master, 300 s budget: 12/12 cells, identical store"

# B. Workers ahead, budget too short: drain at limit - grace on the master's clock.
t0=$(now)
code=0
skewed 0 $day $((2 * day)) "$SWEEP" b.h5 --time-limit 6 --grace 2 2> b.err || code=$?
wall=$(since "$t0")
cat b.err | grep -v '^\[slow-smoke\] [0-9]*/12 finished' || true
[[ $code -eq 3 ]] || fail "B: exit $code, expected 3 (drained)"
at=$(drain_at b.err)
[[ -n $at ]] || fail "B: no 'time limit near' message"
(( $(echo "$at >= 3.9 && $at < 4.6" | bc) )) || fail "B: drained at $at s of the budget, expected 4 (limit 6 - grace 2)"
(( $(echo "$wall < 10" | bc) )) || fail "B: the run took ${wall} s with a 6 s limit"
n=$(journal_ids b.h5 | wc -l)
# Every cell the master counted as finished is committed, and not all of them: how many finish
# in 4 s depends on the machine's load (about two a worker when idle), so the count is compared
# with the master's own last progress line rather than with a fixed number.
reported=$(grep -o '^\[slow-smoke\] [0-9]*/12 finished' b.err | tail -n 1 | grep -o '[0-9]*/' | tr -d / || true)
(( n == ${reported:-0} && n < 12 )) ||
  fail "B: $n cells committed, the master reported ${reported:-none} finished (expected equal, fewer than 12)"
sweep 3 b.h5 || fail "B: resume exited $?"
same_results reference.h5 b.h5 || fail "B: drained and resumed store differs"
echo "ok B: workers 1 and 2 days ahead: drained at $at s of a 6 s budget, $n cells committed, run ${wall} s; resume identical"

# C. Workers behind, cells in analysis at the limit: abandoned at the limit.
t0=$(now)
code=0
skewed $((2 * day)) 0 $day "$heavy" c.h5 --time-limit 6 --grace 2 2> c.err || code=$?
wall=$(since "$t0")
[[ $code -eq 3 ]] || { cat c.err; fail "C: exit $code, expected 3"; }
n=$(journal_ids c.h5 | wc -l)
[[ $n -eq 0 ]] || fail "C: $n cells committed; each needs ~20 s of analysis, the budget was 6 s"
(( $(echo "$wall < 10" | bc) )) || fail "C: the run took ${wall} s: the workers did not abandon their cells at the 6 s limit"
echo "ok C: workers 2 days and 1 day behind the master: cells abandoned mid-analysis, run ${wall} s for a 6 s budget"

# D. SIGTERM to the ranks while their cells are in analysis: out within the grace period.
mpirun -np 3 "$bin" run "$heavy" --store d.h5 --grace 2 > /dev/null 2> d.err &
pid=$!
sleep 4
t0=$(now)
pkill -TERM -f "^$bin run $heavy --store d.h5"
code=0
wait $pid || code=$?
wall=$(since "$t0")
[[ $code -eq 3 ]] || { cat d.err; fail "D: exit $code, expected 3"; }
# The grace period plus the job's teardown (closing the store, MPI_Finalize, mpirun): far less
# than the ~20 s the cells' analysis would still need.
(( $(echo "$wall < 4.5" | bc) )) || fail "D: drained ${wall} s after SIGTERM with a 2 s grace period"
echo "ok D: SIGTERM mid-analysis: exit 3 ${wall} s later (grace 2 s)"
echo "clock_skew: all checks passed"
