#!/usr/bin/env bash
# scripts/report on stores that are not the illusion study's: a report for each, never a
# traceback.
#   1. the smoke store (burgers, no central6 cells: no claim applies), an advdiff store (no claims
#      for its case), a store whose cells all diverged, and a merged store, in one call: a
#      "Sweep report" with each store's status, varying axes, rollout error table and figures;
#   2. a burgers store whose sweep keeps training.transitions = 2 as a setting, not an axis (as
#      paper-burgers does): the claims that compare inference stencils are evaluated, the ones
#      that need other cells are listed as not applicable, with the key they need; with one
#      value per resolution, a claim all values meet or contradict is judged so;
#   3. plot-store with --where on a dotted axis, and on two stores at once;
#   4. a missing store: exit 2, one line.
source "$(dirname "$0")/common.sh"
export NPDESWEEP=$bin
sed -e 's/^infer_stencil = .*/infer_stencil = ["backward1", "central6"]/' -e 's/^train_stencil = .*/train_stencil = ["backward1"]/' \
  -e 's/^name = .*/name = "expt12"/' "$smoke" > expt12.toml
sed -e 's/^train_stencil = .*/train_stencil = ["forward1"]/' -e 's/^resolution = .*/resolution = [16]/' \
  -e 's/^name = .*/name = "blown"/' "$smoke" > blown.toml
sed 's/^resolution = .*/resolution = [16]/' "$smoke" > half16.toml
sweep 3 smoke.h5 || [[ $? -eq 1 ]] || fail "smoke exited $?"
SWEEP=$src/sweeps/advdiff.toml sweep 3 advdiff.h5 || fail "advdiff exited $?"
SWEEP=blown.toml sweep 3 blown.h5 || [[ $? -eq 1 ]] || fail "the all-diverged sweep exited $?"
SWEEP=expt12.toml sweep 3 expt12.h5 || [[ $? -eq 1 ]] || fail "the Expt 1/2 sweep exited $?"
SWEEP=half16.toml sweep 3 half.h5 || [[ $? -eq 1 ]] || fail "the half sweep exited $?"
"$bin" merge half.h5 smoke.h5 --into merged.h5 --quiet || fail "merge exited $?"

# 1. Stores no claim applies to.
code=0
"$src/scripts/report" smoke.h5 advdiff.h5 blown.h5 merged.h5 --out general > report.out 2> report.err || code=$?
[[ $code -eq 0 ]] || { cat report.err; fail "report on general stores exited $code"; }
! grep -q Traceback report.err || { cat report.err; fail "report printed a traceback"; }
r=general/README.md
[[ $(head -1 $r) == "# Sweep report" ]] || fail "title: $(head -1 $r)"
[[ $(grep -c '^### Rollout error' $r) -eq 4 ]] || fail "not every store has its rollout error table"
# every store has a claims section; where no claim applies it says why (issue "Honest numbers":
# the section was left out)
[[ $(grep -c '^### Claims' $r) -eq 4 ]] || fail "not every store has a claims section"
grep -q "not applicable: no cells with" $r || fail "a Burgers store without the claims' cells does not say why"
grep -q "^Not applicable: the paper's claims are about its Burgers and gKdV settings; this store's case is advdiff" $r ||
  fail "the advdiff store's claims section does not say why none applies"
! grep -q "| holds |\|| does not hold |" $r || fail "a claim was judged on stores none of them applies to"
grep -q '^Axes that vary: train_stencil (backward1, forward1), infer_stencil (backward1, central2), resolution (16, 24)' $r ||
  fail "the smoke store's varying axes are not listed"
grep -q '^| central4 | central4 | 64 | ' $r || fail "the advdiff table lacks its rows"
grep -q 'cells 2: 0 done, 2 diverged' $r || fail "the all-diverged store's status is missing"
for d in burgers advdiff merged; do [[ -s general/$d/rollout_heatmap.png ]] || fail "no heat map for $d"; done
echo "ok 1: smoke, advdiff, all-diverged and merged stores: a general report with 4 sections, no traceback"

# 2. The claims where the store has their cells, transitions=2 as a setting.
"$src/scripts/report" expt12.h5 --out study > report.out 2> report.err || { cat report.err; fail "report exited $?"; }
r=study/README.md
[[ $(head -1 $r) == "# The illusion study: the paper's claims over seeds" ]] || fail "title: $(head -1 $r)"
grep -q "^| Expt 2's Jacobian eigenvalues exceed Expt 1's | 16 | .*\*\*" $r || fail "the eigenvalue claim was not evaluated"
grep -q "not applicable: no cells with training.transitions=8 |" $r ||
  fail "the transitions claim is not marked as needing transitions=8"
# too few values for an interval: judged on every value where all lie on one side (issue
# "Honest numbers": a transient growth of 6e7 against "< 1" read "undecided (3 values)")
grep -q "^| (The matched stencil) Expt 1's map does not amplify .* | does not hold in the one value (too few for an interval) |$" $r ||
  fail "a claim every value contradicts is not judged: $(grep "(The matched stencil)" $r)"
grep -q "^| Expt 2's eigenvalues leave the unit circle (.* | holds in the one value (too few for an interval) |$" $r ||
  fail "a claim every value meets is not judged"
grep -q "undecided (no interval: only 1 value (an interval needs 5))" $r || fail "a paired claim without an interval"
echo "ok 2: a store with training.transitions a setting: its claims evaluated, the others marked not applicable"

# 3. plot-store on a dotted axis (training.learning_rate) and on several stores.
sed -e 's/^resolution = .*/resolution = [16]/' -e 's/^train_stencil = .*/train_stencil = ["backward1"]/' \
  -e 's/^name = .*/name = "rates"/' "$smoke" > visc.toml
printf '"training.learning_rate" = [1e-2, 1e-3]\n' >> visc.toml
SWEEP=visc.toml sweep 3 visc.h5 || [[ $? -eq 1 ]] || fail "the learning-rate sweep exited $?"
"$src/scripts/plot-store" visc.h5 --out visc --where training.learning_rate=0.001 > visc.out 2> visc.err || { cat visc.err; fail "plot-store --where training.learning_rate exited $?"; }
[[ $(wc -l < visc.out) -eq 6 ]] || fail "plot-store --where on a dotted axis drew $(wc -l < visc.out) figures"
"$src/scripts/plot-store" visc.h5 smoke.h5 --out two > two.out 2> two.err || { cat two.err; fail "plot-store on two stores exited $?"; }
[[ $(wc -l < two.out) -eq 6 ]] || fail "plot-store on two stores drew $(wc -l < two.out) figures"
"$src/scripts/plot-store" visc.h5 smoke.h5 --out two --experiments 0 2> ids.err && fail "a bare id with two stores was accepted"
grep -q "STORE#ID" ids.err || fail "the bare-id refusal does not say how to name a cell: $(cat ids.err)"
code=0
"$src/scripts/plot-store" visc.h5 --out x --where colour=red 2> bad.err || code=$?
[[ $code -eq 2 ]] && grep -q "training.learning_rate" bad.err || { cat bad.err; fail "an unknown --where key: exit $code"; }
echo "ok 3: plot-store --where on a dotted axis, on two stores; an unknown key refused naming the keys"

# 4. A store that is not there.
code=0
"$src/scripts/report" nothere.h5 --out x 2> missing.err || code=$?
[[ $code -eq 2 && $(wc -l < missing.err) -eq 1 ]] || { cat missing.err; fail "a missing store: exit $code"; }
echo "ok 4: a missing store: exit 2, $(cat missing.err)"
echo "report: all checks passed"
