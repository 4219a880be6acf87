#!/usr/bin/env bash
# What a run says: where the results are and how to look at them; "nothing to do" for a finished
# sweep (no rate, no ETA); a store in a missing directory is bad input (exit 2, nothing made);
# `npdesweep help [COMMAND]`; status tells a cell's status from its rollouts' blow-ups.
source "$(dirname "$0")/common.sh"
mpirun -np 3 "$bin" run "$smoke" --store s.h5 2> first.txt || fail "the smoke sweep exited $?"
grep -q "results in s.h5; look at them with" first.txt || { cat first.txt; fail "run does not name its store"; }
grep -q "npdesweep status s.h5" first.txt || fail "run does not name the status command"
grep -q "8 cells, 0 already finished, 8 to run" first.txt || { cat first.txt; fail "no plan line"; }
mpirun -np 3 "$bin" run "$smoke" --store s.h5 2> again.txt || fail "rerunning a finished sweep exited $?"
grep -q "nothing to do: all 8 cells are finished" again.txt || { cat again.txt; fail "no 'nothing to do'"; }
! grep -q "cells/s\|ETA" again.txt || { cat again.txt; fail "a finished sweep printed a rate or an ETA"; }

code=0; mpirun -np 2 "$bin" run "$smoke" --store nodir/x.h5 2> err.txt || code=$?
[[ $code -eq 2 ]] || { cat err.txt; fail "a store in a missing directory exited $code, expected 2"; }
grep -q "nodir/x.h5: --store: the directory nodir does not exist" err.txt || { cat err.txt; fail "unclear message"; }
[[ ! -e nodir ]] || fail "a missing directory was created"

"$bin" help > help.txt || fail "npdesweep help exited $?"
grep -q "help \[COMMAND\]" help.txt || fail "npdesweep help does not list itself"
"$bin" help query > q.txt || fail "npdesweep help query exited $?"
grep -q -- "--group-by" q.txt || fail "npdesweep help query does not show query's options"
code=0; "$bin" help bogus > /dev/null 2>&1 || code=$?
[[ $code -eq 2 ]] || fail "npdesweep help bogus exited $code, expected 2"

# status: done cells whose rollouts blew up are counted apart from cell failures, and agree
# with the rollout_blowups metric.
blown=$(/usr/bin/python3 - s.h5 <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
code, res, row = f["status/code"][:], f["experiments/resolution"][:], f["experiments/row"][:]
n = 0
for i in range(len(code)):
    if code[i] == 1:
        e = f[f"results/N{res[i]}/rollout/relative_l2_error"][row[i]][:, -1]
        n += bool(np.isnan(e).any())
print(n)
PY
)
"$bin" status s.h5 --format json > st.json || fail "status --format json exited $?"
/usr/bin/python3 -c "import json,sys; d = json.load(open('st.json')); sys.exit(d['done_with_rollout_blowups'] != $blown)" ||
  fail "status counts $(grep rollout_blowups st.json) done cells with blow-ups, the datasets $blown"
if ((blown > 0)); then
  "$bin" status s.h5 | grep -q "$blown of the done cells have a test rollout that blew up" || fail "status text lacks the blow-up line"
fi
echo "ok: run names its store, a finished sweep has nothing to do, a missing directory is exit 2, help works, status separates blow-ups ($blown)"
