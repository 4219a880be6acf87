#!/usr/bin/env bash
# The one-shot training loss as a choice (docs/job-file.md, [training] loss): "final" (MSE at
# u(T), the paper's) or "trajectory" (MSE summed over every output step). The trajectory loss
# trains another model, is named in the canonical text (final is not: old hashes stay), can be a
# sweep axis, and is refused for autoregressive training.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
job=$src/tests/cli/tiny-gkdv.toml
sed 's/^mode = "one_shot"/mode = "one_shot"\nloss = "trajectory"/' "$job" > trajectory.toml
"$bin" run-one "$job" --no-out > final.txt || fail "final loss run exited $?"
"$bin" run-one trajectory.toml --no-out > trajectory.txt || fail "trajectory loss run exited $?"
grep -q "status: done" trajectory.txt || fail "trajectory: $(grep status trajectory.txt)"
a=$(grep -o 'final loss [^,]*' final.txt) b=$(grep -o 'final loss [^,]*' trajectory.txt)
[[ -n "$a" && "$a" != "$b" ]] || fail "the trajectory loss trained the same model: $a / $b"
"$bin" run-one trajectory.toml --out t.h5 --quiet > /dev/null
h5dump -a /job_toml t.h5 | grep -q 'loss = "trajectory"' || fail "the canonical job does not name the loss"
"$bin" run-one "$job" --out f.h5 --quiet > /dev/null
! h5dump -a /job_toml f.h5 | grep -q 'loss =' || fail "the default loss is written into the canonical text"
echo "ok   trajectory loss: trains another model ($a vs $b), named in the canonical text"

# autoregressive training has no such choice: exit 2, naming file, line and key
sed 's/^mode = "one_shot"/mode = "autoregressive"\nloss = "trajectory"/' "$job" > bad.toml
code=0; "$bin" run-one bad.toml --no-out > /dev/null 2> bad.err || code=$?
[[ $code -eq 2 ]] && grep -q "bad.toml:[0-9]*: training.loss: applies to one_shot" bad.err || fail "autoregressive + loss: exit $code $(cat bad.err)"
echo "ok   loss with autoregressive training refused (exit 2)"

# a sweep axis like any job key
sed 's/^\[grid\]/[grid]\n"training.loss" = ["final", "trajectory"]/' "$src/sweeps/paper-gkdv.toml" > axis.toml
"$bin" plan axis.toml | grep -q "2 training.loss x" || fail "plan does not count the training.loss axis"
echo "ok   training.loss as a sweep axis"
