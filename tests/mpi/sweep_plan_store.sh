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
# The readers say that they leave the earlier sweep's 8 finished cells out (issue "Honest numbers").
"$bin" query s.h5 --metric final_loss > /dev/null 2> note.err || fail "query exited $?"
grep -q "holds 8 finished cells outside its current sweep .* --all includes them" note.err || fail "query: no note: $(cat note.err)"
"$bin" query s.h5 --metric final_loss --all > /dev/null 2> note.err && [[ ! -s note.err ]] || fail "query --all noted: $(cat note.err)"
echo "ok 2: run warns (also with --quiet) when an edit makes finished cells run again, and not otherwise; readers note the cells they leave out"
# 3. A grown seed axis (issue "Honest numbers"): cells of a new experiment.seed value beside the
# old one are new, not "recomputed", and the run neither warns that finished cells run again nor
# speaks of earlier sweeps' cells when there are none.
sed -e '/^seed = /d' -e 's/^resolution = .*/resolution = [16]/' "$smoke" > seed1.toml
echo '"experiment.seed" = [1]' >> seed1.toml  # [grid] is the smoke sweep's last table
sed 's/^"experiment.seed" = \[1\]/"experiment.seed" = [1, 2]/' seed1.toml > seed2.toml
SWEEP=seed1.toml sweep 3 g.h5 || [[ $? -eq 1 ]] || fail "the one-seed sweep exited $?"
"$bin" plan seed2.toml --store g.h5 > grow.out || fail "plan --store of the grown seed axis exited $?"
grep -q "^run on g.h5: 4 reused, 4 new, 0 recomputed$" grow.out || fail "a new seed value: $(tail -2 grow.out)"
code=0
mpirun -np 3 "$bin" run seed2.toml --store g.h5 > /dev/null 2> grow.err || code=$?
[[ $code -le 1 ]] || { cat grow.err; fail "the grown run exited $code"; }
! grep -q "WARNING\|run again\|0 finished cells of earlier sweeps" grow.err || { cat grow.err; fail "growth by a seed value said something false"; }
grep -q "4 of its cells are finished in the store and reused (same content hash), 4 are new or unfinished$" grow.err ||
  { cat grow.err; fail "growth by a seed value: no plain account of reused and new cells"; }
echo "ok 3: a new seed value's cells are new, and run says so without warnings"
echo "plan_store: all checks passed"
