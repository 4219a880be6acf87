#!/usr/bin/env bash
# Numerical hostility, one experiment at a time (issue "Nothing lost"): every case below must end
# as diverged (exit 1) with a message that says where (output step, epoch, or the substep count
# it would need), within a bounded time, never as a crash, a hang or "done".
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
job=$src/tests/cli/tiny-burgers.toml
failures=0

# expect_diverged NAME PATTERN JOB [options]
expect_diverged() {
  local name=$1 pattern=$2; shift 2
  local code=0 start=$SECONDS
  timeout 60 "$bin" run-one "$@" --out "$name.h5" --quiet > "$name.txt" 2>&1 || code=$?
  local took=$((SECONDS - start))
  if [[ $code -ne 1 ]] || ! grep -Eq "^status: diverged \(.*$pattern" "$name.txt" || ((took > 30)); then
    echo "FAIL $name: exit $code after $took s (124 = hung); $(grep status "$name.txt" || cat "$name.txt")"
    failures=$((failures + 1))
  else
    echo "ok   $name ($took s): $(sed -n 's/^status: //p' "$name.txt")"
  fi
}
mutate() { sed "$2" "$job" > "$1.toml"; }

mutate dt_far_too_large 's/^dt = 0.01/dt = 10.0/'
expect_diverged dt_far_too_large 'training diverged at epoch [0-9]+' dt_far_too_large.toml
mutate huge_amplitude 's/train = { kind = "step", amplitude = 2.0 }/train = { kind = "step", amplitude = 1e8 }/'
expect_diverged huge_amplitude 'would need more than 100000 RK4 substeps' huge_amplitude.toml
# 1e300: the substep rule's bound is infinite (the count used to overflow an int)
mutate overflowing_amplitude 's/amplitude = 10.0 }/amplitude = 1e300 }/'
expect_diverged overflowing_amplitude 'diverged' overflowing_amplitude.toml
mutate training_blows_up 's/train = { kind = "step", amplitude = 2.0 }/train = { kind = "step", amplitude = 1e4 }/'
expect_diverged training_blows_up 'training diverged at epoch [0-9]+' training_blows_up.toml
mutate unstable_pair 's/^train = "backward1"/train = "forward1"/; s/^infer = "central6"/infer = "forward1"/'
expect_diverged unstable_pair 'truth data for step\(A=2\) diverged: (truth blew up at output step [0-9]+|adaptive integrator: step size underflow at t = )' unstable_pair.toml

# Weights with NaN or inf from --init-weights: diverged before the first epoch, with 0 epochs too.
"$bin" run-one "$job" --out weights.h5 --quiet --epochs 1 > /dev/null
for bad in nan inf; do
  cp weights.h5 $bad-weights.h5
  /usr/bin/python3 - $bad-weights.h5 $bad <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    w = f["/weights/final"][...]
    w.flat[3] = float(sys.argv[2])
    del f["/weights/final"]
    f["/weights/final"] = w
PY
  expect_diverged ${bad}_weights 'training diverged at epoch 0: initial network parameter 3 is not finite' "$job" --init-weights $bad-weights.h5
  expect_diverged ${bad}_weights_no_training 'initial network parameter 3 is not finite' "$job" --init-weights $bad-weights.h5 --epochs 0
done

if ((failures)); then echo "$failures hostility checks failed"; exit 1; fi
echo "hostile: all checks passed"
