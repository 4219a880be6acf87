#!/usr/bin/env bash
# Richardson-corrected truth data end to end (integrator.truth_correction = "richardson";
# docs/numerics.md): run-one's training truth is (2 u_2N - u_N) for backward1 (order 1), to the
# bit against two plain runs at N and 2N; the setting enters the job text and content hash
# (written only when set: plain jobs keep theirs); fixed-step truth data work too; a training
# stencil without a truncation term is refused with exit 2 naming file, line and key; and it
# is a sweep axis whose "none" cells are the plain sweep's.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
job=$src/tests/cli/tiny-burgers.toml
sed 's/^substeps = 10/substeps = 10\ntruth_correction = "richardson"/' "$job" > rich.toml
sed 's/^resolution = 32/resolution = 64/' "$job" > fine.toml
for j in rich fine; do "$bin" run-one $j.toml --epochs 0 --out $j.h5 --quiet > $j.txt || fail "run-one $j exited $?"; done
"$bin" run-one "$job" --epochs 0 --out plain.h5 --quiet > plain.txt || fail "run-one plain exited $?"
/usr/bin/python3 - <<'PY' || fail "the corrected truth is not 2 u_64 - u_32 on the coarse grid"
import h5py, numpy as np
r, f, p = (h5py.File(x + ".h5", "r") for x in ("rich", "fine", "plain"))
coarse, fine = p["fields/training_truth"][...], f["fields/training_truth"][...]
want = (2.0 * fine[:, ::2] - coarse) / 1.0
assert np.array_equal(r["fields/training_truth"][...], want), np.abs(r["fields/training_truth"][...] - want).max()
assert np.array_equal(r["fields/truth"][...], (2.0 * f["fields/truth"][...][:, :, ::2] - p["fields/truth"][...]) / 1.0)
assert np.abs(want - coarse).max() > 1e-4  # the correction is not negligible here
PY
/usr/bin/python3 -c "
import h5py, sys
text = h5py.File('rich.h5', 'r').attrs['job_toml']
sys.exit(0 if 'truth_correction = \"richardson\"' in (text.decode() if isinstance(text, bytes) else text) else 1)" ||
  fail "the result's job text lacks truth_correction"
[[ $(head -1 rich.txt) != $(head -1 plain.txt) ]] || fail "the corrected job has the plain job's content hash"
# It says so (issue "Honest numbers"): run-one's header, /integrator's attributes (the refined
# grid's steps apart from the job grid's, which equal the plain run's), summarize's truth column.
grep -q "^truth data: Richardson-corrected (solved again at N=64, cancelling the O(dx^1) error)" rich.txt ||
  fail "run-one's header does not say the truth is corrected: $(head -6 rich.txt)"
! grep -q "^truth data:" plain.txt || fail "a plain run's header speaks of a correction"
/usr/bin/python3 - <<'PY' || fail "/integrator does not record the correction"
import h5py
r, p, f = (h5py.File(x + ".h5", "r")["integrator"].attrs for x in ("rich", "plain", "fine"))
text = lambda a, k: a[k].decode() if isinstance(a[k], bytes) else a[k]
assert text(r, "truth_correction").startswith("richardson: solved again on the doubled grid (N = 64)"), text(r, "truth_correction")
assert text(p, "truth_correction") == "none"
assert r["truth_accepted_steps"] == p["truth_accepted_steps"] > 0, (r["truth_accepted_steps"], p["truth_accepted_steps"])
assert r["truth_refined_accepted_steps"] == f["truth_accepted_steps"] and p["truth_refined_accepted_steps"] == 0
PY
"$bin" summarize plain.h5 rich.h5 > sum.txt || fail "summarize exited $?"
head -1 sum.txt | grep -qw "truth" && grep -q "richardson" sum.txt && grep -q "none" sum.txt || fail "summarize has no truth column: $(cat sum.txt)"
"$bin" summarize plain.h5 > sum1.txt && ! head -1 sum1.txt | grep -qw "truth" || fail "summarize of plain files shows a truth column: $(cat sum1.txt)"
# identify on the corrected data: no stencil of the catalogue made them, and it says so (it named
# two as "about equally far", flow shares 0.26 and 0.35); the plain data's stencil is named.
"$bin" identify rich.h5 plain.h5 --format json > identify.json || fail "identify exited $?"
/usr/bin/python3 - <<'PY' || fail "identify on Richardson-corrected data: $(cat identify.json)"
import json
rich, plain = json.load(open("identify.json"))
assert rich["named"] == "-" and rich["undecided"].startswith("no candidate made these data"), rich
assert rich["best"] and rich["best_flow_share"] > 0.05, rich
assert plain["named"] == "backward1" and plain["best"] == "backward1" and plain["tied"] == "", plain
PY
echo "ok   run-one: the corrected truth is (2 u_2N - u_N) to the bit; its own content hash; said in the header, /integrator and summarize; identify says no stencil made it"

sed 's/^substeps = 10/substeps = 10\ntruth = "rk4"\ntruth_correction = "richardson"/' "$job" > rk4.toml
"$bin" run-one rk4.toml --epochs 0 --no-out --quiet > rk4.txt || fail "fixed-step corrected truth exited $?"
grep -q "^status: done" rk4.txt || fail "fixed-step corrected truth: $(grep status rk4.txt)"
sed 's/^train = "backward1"/train = "spectral"/' rich.toml > spectral.toml
code=0; "$bin" run-one spectral.toml --no-out > /dev/null 2> err.txt || code=$?
line=$(grep -n '^truth_correction' spectral.toml | cut -d: -f1)
[[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -q "spectral.toml:$line: integrator.truth_correction" err.txt ||
  fail "a spectral training stencil with richardson: exit $code, $(cat err.txt)"
echo "ok   fixed-step truth data are corrected too; a stencil without truncation term exits 2 naming the key"

cat > sweep.toml <<'TOML'
[sweep]
name = "rich"
seed = 1

[pde]
case = "burgers"
length = "2*pi"
dt = 0.01
steps = 20
viscosity = 0.03

[network]
hidden = [8, 8]

[training]
mode = "autoregressive"
epochs = 5

[integrator]
substeps = 10

[analysis]
test_ics = [ { kind = "step", amplitude = 3.0 } ]

[grid]
resolution = [32]
train_stencil = ["backward1"]
infer_stencil = ["central2"]
ic = [ { kind = "step", amplitude = 2.0 } ]
TOML
{ cat sweep.toml; echo '"integrator.truth_correction" = ["none", "richardson"]'; } > axis.toml
"$bin" plan sweep.toml > plain-plan.txt || fail "plan exited $?"
"$bin" plan axis.toml > axis-plan.txt || fail "plan with the truth_correction axis exited $?"
grep -q "x 2 integrator.truth_correction" axis-plan.txt || fail "no truth_correction axis: $(head -3 axis-plan.txt)"
plain_hash=$(awk '$1 == "0" {print $2}' plain-plan.txt)
grep -q "^ *0  $plain_hash " axis-plan.txt || fail "the axis sweep's \"none\" cell is not the plain sweep's cell $plain_hash"
[[ $(awk '$1 == "1" {print $2}' axis-plan.txt) != "$plain_hash" ]] || fail "the richardson cell has the plain hash"
echo "ok   integrator.truth_correction is a sweep axis; its \"none\" cells are the plain sweep's"
