#!/usr/bin/env bash
# Numerical hostility (issue "Nothing lost"): cells that blow up end as diverged, with the step
# or epoch where they did, within a bounded time, and never poison the next cell on the same
# rank. One worker runs three diverging cells (an unstable stencil; a training IC of amplitude
# 1e4) and then a normal cell whose test ICs include one of amplitude 1000 (its rollout blows up:
# data, not a failure); that cell's shard must equal, bitwise on every result, the one it gets
# alone. tests/cli/hostile.sh covers dt far too large, huge amplitudes and NaN weights.
source "$(dirname "$0")/common.sh"
hostile=$src/tests/mpi/hostile.toml
start=$(date +%s)
code=0; SWEEP=$hostile timeout 120 mpirun -np 2 "$bin" run "$hostile" --store all.h5 --quiet || code=$?
[[ $code -eq 0 ]] || fail "the hostile sweep exited $code (124: hung)"
(( $(date +%s) - start < 60 )) || fail "the hostile sweep took $(( $(date +%s) - start )) s"
"$bin" status all.h5 --all > status.txt
grep -q "cells 4: 1 done, 3 diverged, 0 failed, 0 pending" status.txt || { cat status.txt; fail "statuses"; }
grep -q "diverged cell 0 .*truth blew up at output step [0-9]\|diverged cell 0 .*step size underflow at t = " status.txt &&
  grep -q "diverged cell 2 .*training diverged at epoch [0-9]" status.txt || { cat status.txt; fail "no step in the divergence messages"; }

# The normal cell alone (the same cell: same canonical text, same hash, same seed).
sed '/^train_stencil/s/.*/train_stencil = ["backward1"]/; /^ic = /s/.*/ic = [ { kind = "step", amplitude = 2.0 } ]/' "$hostile" > alone.toml
timeout 120 mpirun -np 2 "$bin" run alone.toml --store alone.h5 --quiet || fail "the normal cell alone exited $?"
shard_all=$(ls all.h5.d/shards/3-*) shard_alone=$(ls alone.h5.d/shards/0-*)
[[ ${shard_all#*/3-} == "${shard_alone#*/0-}" ]] || fail "the normal cell's content hash differs ($shard_all, $shard_alone)"
h5diff --exclude-path /timing --exclude-path /provenance "$shard_all" "$shard_alone" > /dev/null || fail "the normal cell after three diverged ones differs from the cell alone"
"$bin" query all.h5 --where status=done --metric rollout_blowups --stat max --format csv | grep -q ",1$" ||
  fail "the 1e6 test IC's rollout should be recorded as blown up"
# A blow-up in strict JSON (issue "Honest numbers"): the string "inf" in every JSON output, which a
# parser that refuses NaN and Infinity reads; CSV says inf in a numeric column.
for cmd in "query all.h5 --where status=done --metric rollout_error --stat max --format json" \
           "export all.h5 --format json" "summarize all.h5 --format json" "show all.h5 3 --format json"; do
  # shellcheck disable=SC2086
  "$bin" $cmd > out.json || fail "$cmd exited $?"
  /usr/bin/python3 -c '
import json, sys
def refuse(c): raise ValueError("not JSON: " + c)
text = open("out.json").read()
json.loads(text, parse_constant=refuse)
assert "\"inf\"" in text, text[:400]' || fail "$cmd: not strict JSON with \"inf\": $(head -c 300 out.json)"
done
"$bin" export all.h5 --where status=done > done.csv
/usr/bin/python3 -c '
import pandas as pd, math
d = pd.read_csv("done.csv")
assert d["rollout_error"].dtype == float and math.isinf(d["rollout_error"].iloc[0]), d["rollout_error"]' ||
  fail "export CSV: rollout_error of the blown-up cell is not a numeric inf: $(cat done.csv)"
echo "ok: 3 diverging cells (truth blow-up, training at epoch 0) then a normal one on one worker in $(( $(date +%s) - start )) s; the normal cell is bitwise the cell alone"
