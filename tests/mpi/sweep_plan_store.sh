#!/usr/bin/env bash
# `plan --store`: before a run, what it will do with each cell of an edited sweep (reuse, new,
# recompute with the keys that changed, failed), and `run`'s loud warning when an edit makes
# finished cells run again.
source "$(dirname "$0")/common.sh"
sed -e 's/^epochs = .*/epochs = 41/' -e 's/^resolution = .*/resolution = [16, 24, 32]/' "$smoke" > edited.toml
sweep 3 s.h5 || [[ $? -eq 1 ]] || fail "smoke exited $?"

"$bin" plan "$smoke" --store s.h5 > same.out || fail "plan --store exited $?"
grep -q "^run on s.h5: 8 reused, 0 new, 0 recomputed$" same.out || fail "the unchanged sweep: $(tail -2 same.out)"
"$bin" plan edited.toml --store s.h5 > edited.out || fail "plan --store on the edited sweep exited $?"
grep -q "^run on s.h5: 0 reused, 4 new, 8 recomputed (finished under another job: training.epochs (8) changed); 8 finished cells the sweep does not have stay in the store$" edited.out ||
  fail "the edited sweep: $(tail -3 edited.out)"
"$bin" plan edited.toml --store s.h5 --cells --format json | /usr/bin/python3 -c '
import json, sys
cells = json.load(sys.stdin)
runs = [c["run"] for c in cells]
assert runs.count("recompute") == 8 and runs.count("new") == 4, runs
assert all(c["changed"] == "training.epochs 40 -> 41" for c in cells if c["run"] == "recompute"), cells
assert all(c["resolution"] == 32 for c in cells if c["run"] == "new"), cells' || fail "plan --cells --store"
"$bin" plan "$smoke" --store nothere.h5 | grep -q "^run on nothere.h5: 8 new (no store there yet)$" || fail "plan --store on no store"
sed 's/^name = .*/name = "other"/' "$smoke" > other.toml
code=0
"$bin" plan other.toml --store s.h5 > /dev/null 2> other.err || code=$?
[[ $code -eq 2 ]] && grep -q "belongs to sweep 'smoke', this is 'other'" other.err || fail "plan --store of another sweep: exit $code $(cat other.err)"
echo "ok 1: plan --store: reused, new and recomputed cells with the key that changed, before any run"

code=0
SWEEP=edited.toml sweep 3 s.h5 2> run.err || code=$?
[[ $code -le 1 ]] || { cat run.err; fail "the edited run exited $code"; }
grep -q "WARNING: 8 cells the store had finished run again: their job changed (training.epochs (8 cells))" run.err ||
  { cat run.err; fail "run did not warn about the recomputed cells (even with --quiet)"; }
"$bin" plan edited.toml --store s.h5 | grep -q "^run on s.h5: 12 reused, 0 new, 0 recomputed; 8 finished cells" || fail "after the run"
code=0
SWEEP=edited.toml sweep 3 s.h5 2> again.err || code=$?
! grep -q WARNING again.err || fail "a rerun with nothing to recompute warned: $(cat again.err)"
echo "ok 2: run warns (also with --quiet) when an edit makes finished cells run again, and not otherwise"
echo "plan_store: all checks passed"
