#!/usr/bin/env bash
# The shipped example of every case beyond the paper's two: jobs/<case>.toml runs to the end
# (shortened to 20 epochs) and sweeps/<case>.toml completes every cell through MPI.
source "$(dirname "$0")/common.sh"
for case in advdiff kdv ks allen-cahn; do
  "$bin" run-one "$src/jobs/$case.toml" --epochs 20 --out $case-job.h5 --quiet > $case.txt ||
    fail "jobs/$case.toml exited $?"
  grep -q "status: done" $case.txt || fail "jobs/$case.toml did not finish: $(cat $case.txt)"
  SWEEP=$src/sweeps/$case.toml sweep 3 $case.h5 || fail "sweeps/$case.toml exited $?"
  codes=$(status_codes $case.h5 | xargs)
  [[ $codes == "1 1 1 1 1 1 1 1" ]] || fail "sweeps/$case.toml: not every cell done: $codes"
  echo "ok   $case: job done, 8 sweep cells done"
done

# The model's stepper as a grid axis: the smoke sweep's completing cells under five steppers
# (the exponential ones with no linear part to take: Burgers' model keeps only u D1 u).
sed -e 's/^train_stencil = .*/train_stencil = ["backward1"]/' -e 's/^resolution = .*/resolution = [16]/' \
    -e 's/^\[grid\]/[grid]\nstepper = ["rk4", "ssprk3", "tsit5", "ifrk4", "etdrk4"]/' "$smoke" > steppers.toml
"$bin" plan steppers.toml | grep -q "5 stepper x" || fail "plan does not count the stepper axis"
SWEEP=steppers.toml sweep 3 steppers.h5 || fail "the stepper sweep exited $?"
[[ $(status_codes steppers.h5 | xargs) == "1 1 1 1 1 1 1 1 1 1" ]] || fail "stepper cells not all done: $(status_codes steppers.h5)"
"$bin" query steppers.h5 --group-by stepper --metric rollout_error > by-stepper.txt || fail "query --group-by stepper exited $?"
for s in rk4 ssprk3 tsit5 ifrk4 etdrk4; do grep -q "^$s " by-stepper.txt || fail "query lacks stepper $s: $(cat by-stepper.txt)"; done
# a cell's canonical text names its stepper, and rk4 cells keep the names and hashes they had
h5dump -d /experiments/stepper steppers.h5 | grep -q '"tsit5"' || fail "/experiments/stepper lacks tsit5"
# (its hash under results version 5; 6ba011a79386b662 under 4, before log|det J| could be NaN; 222e9de4bd35a77f under 3, before the FFT)
"$bin" plan "$smoke" | grep -q "8d2edd12a7576281  smoke:N16:backward1:backward1:step(A=2):r0" || fail "smoke cell names or hashes changed"
# and a stepper that is both an axis and a setting is refused
sed -e 's/^substeps = 10/substeps = 10\nmodel = "dp5"/' steppers.toml > both.toml
code=0; "$bin" plan both.toml > /dev/null 2> both.err || code=$?
[[ $code -eq 2 ]] && grep -q "grid.stepper: the stepper is either an axis here or one value" both.err ||
  fail "a stepper in [grid] and [integrator] was not refused: $code $(cat both.err)"
echo "ok   stepper axis: 10 cells done, query groups by stepper"
