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
