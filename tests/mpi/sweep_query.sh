#!/usr/bin/env bash
# status, query and plot-store on the smoke store: values recomputed from the datasets, every
# format parsed, bad input refused (check_query.py); and status/query on a store held by a
# running sweep work and leave its bytes unchanged.
source "$(dirname "$0")/common.sh"
sweep 3 s.h5 || fail "making the store exited $?"
/usr/bin/python3 "$src/tests/mpi/check_query.py" "$bin" s.h5 "$src" || fail "check_query.py failed"

# A running sweep's store: status and query read it while the writer holds the lock.
export SWEEP=$src/tests/mpi/slow-smoke.toml
mpirun -np 3 "$bin" run "$SWEEP" --store live.h5 --quiet &
pid=$!
for _ in $(seq 50); do [[ -s live.h5.d/journal ]] && grep -q ' done ' live.h5.d/journal 2>/dev/null && break; sleep 0.1; done
"$bin" status live.h5 > status.txt || fail "status on a running sweep exited $?"
grep -q "cells 12:" status.txt || fail "status on a running sweep: $(cat status.txt)"
"$bin" query live.h5 --group-by infer_stencil --stat count > /dev/null || fail "query on a running sweep exited $?"
wait $pid || fail "the sweep exited $?"

# A finished store held under the lock (as by a sweep): bytes unchanged by status and query.
# bash explicitly: flock -c runs $SHELL, which CI leaves unset (then /bin/sh, dash).
flock live.h5.d/lock bash -c "
  sum=\$(cat live.h5 live.h5.d/journal | md5sum)
  '$bin' status live.h5 > /dev/null && '$bin' query live.h5 --pivot > /dev/null && '$bin' query live.h5 --list > /dev/null
  [[ \$(cat live.h5 live.h5.d/journal | md5sum) == \"\$sum\" ]]" || fail "status/query changed a locked store"

# A killed sweep's journal can end in a torn commit: status reports it and changes nothing.
printf '7 0123456789abcdef do' >> live.h5.d/journal
sum=$(cat live.h5 live.h5.d/journal | md5sum)
"$bin" status live.h5 > torn.txt || fail "status on a torn journal exited $?"
grep -q "1 trailing line(s) torn" torn.txt || fail "status did not report the torn line: $(cat torn.txt)"
[[ $(cat live.h5 live.h5.d/journal | md5sum) == "$sum" ]] || fail "status changed a store with a torn journal"
# What a store offers follows from its sweep, not from its progress: on a store where every cell
# diverged (forward1's truth blows up), query, --pivot and export work and export has the same
# columns as on a store of the same grid whose cells are done (the metrics of no cell are empty).
sed -e 's/train_stencil = \["backward1", "forward1"\]/train_stencil = ["forward1"]/' -e 's/name = "smoke"/name = "all-diverged"/' \
  "$src/sweeps/smoke.toml" > all-diverged.toml
sed -e 's/train_stencil = \["backward1", "forward1"\]/train_stencil = ["backward1"]/' -e 's/name = "smoke"/name = "all-done"/' \
  "$src/sweeps/smoke.toml" > all-done.toml
SWEEP=all-diverged.toml sweep 2 diverged.h5 || [[ $? -eq 1 ]] || fail "the all-diverged sweep crashed"
SWEEP=all-done.toml sweep 2 done.h5 || fail "the all-done sweep exited $?"
"$bin" status diverged.h5 | grep -q "cells 4: 0 done, 4 diverged" || fail "not all diverged: $("$bin" status diverged.h5)"
"$bin" query diverged.h5 > /dev/null || fail "query on an all-diverged store exited $?"
"$bin" query diverged.h5 --pivot > /dev/null || fail "query --pivot on an all-diverged store exited $?"
"$bin" query diverged.h5 --metric max_lambda --stat median > /dev/null || fail "query --metric max_lambda exited $?"
[[ $("$bin" export diverged.h5 | head -1) == $("$bin" export done.h5 | head -1) ]] ||
  fail "export's columns follow the cells' progress: $("$bin" export diverged.h5 | head -1 | cut -c1-200)"
# Several stores as one: two separate runs of one sweep. export keys each row by store (the ids
# repeat), and --compare store=A,B pairs each cell with its twin: the same numbers, difference 0.
SWEEP=all-done.toml sweep 2 again.h5 || fail "the second all-done run exited $?"
"$bin" export done.h5 again.h5 > both.csv || fail "export of two stores exited $?"
[[ $(tail -n +2 both.csv | wc -l) -eq 8 && $(grep -c ',again.h5,all-done,' both.csv) -eq 4 ]] ||
  fail "export of two stores: $(cut -c1-80 both.csv)"
"$bin" query done.h5 again.h5 --compare store=done.h5,again.h5 --format csv > pair.csv || fail "--compare store exited $?"
/usr/bin/python3 - <<'PY' || fail "--compare across two stores: $(cat pair.csv)"
import csv
row = next(csv.DictReader(open("pair.csv")))
difference = next(v for k, v in row.items() if k.startswith("mean("))
assert float(difference) == 0 and row["pairs"] == "4", row
PY
# A copy of the sweep with another seed: its cells are not the same cells, so --compare store pairs
# none of them (issue "Honest numbers": it paired cells of different seeds), and says so.
sed 's/^seed = .*/seed = 12/' all-done.toml > other-seed.toml
SWEEP=other-seed.toml sweep 2 seed12.h5 || fail "the other-seed run exited $?"
"$bin" query done.h5 seed12.h5 --compare store=done.h5,seed12.h5 --format json > seeds.json || fail "--compare over seeds exited $?"
/usr/bin/python3 -c '
import json
r = json.load(open("seeds.json"))[0]
assert r["n_value"] == 0 and r["value"] is None, r' || fail "--compare store paired cells of different seeds: $(cat seeds.json)"
# --group-by seed: the seed is a key (it was refused), and --where on it works
"$bin" query done.h5 --group-by seed --stat count --format json > by-seed.json || fail "--group-by seed exited $?"
seed=$(/usr/bin/python3 -c 'import json; print(json.load(open("by-seed.json"))[0]["seed"])')
[[ $seed =~ ^[0-9]+$ ]] || fail "--group-by seed: the seed is not a string of digits: $(cat by-seed.json)"
"$bin" query done.h5 --where "seed=$seed" --stat count --format csv | tail -1 | grep -q "^[1-9]" || fail "--where seed=$seed matched nothing"
# A mistyped key, metric or command: the closest name, in one line, not every name
code=0; "$bin" query done.h5 --metric max_lamda > /dev/null 2> typo.txt || code=$?
[[ $code -eq 2 && $(wc -l < typo.txt) -eq 1 ]] && grep -q "did you mean 'max_lambda'?" typo.txt && ! grep -q "rollout_error@" typo.txt ||
  fail "a mistyped metric: exit $code, $(cat typo.txt)"
code=0; "$bin" query done.h5 --group-by infer_stencl > /dev/null 2> typo.txt || code=$?
[[ $code -eq 2 ]] && grep -q "did you mean 'infer_stencil'?" typo.txt || fail "a mistyped key: exit $code, $(cat typo.txt)"
code=0; "$bin" quer done.h5 > /dev/null 2> typo.txt || code=$?
[[ $code -eq 2 && $(wc -l < typo.txt) -eq 1 ]] && grep -q "unknown command 'quer'; did you mean 'query'?" typo.txt ||
  fail "a mistyped command: exit $code, $(cat typo.txt)"
code=0; "$bin" query done.h5 done.h5 > /dev/null 2> twice.txt || code=$?
[[ $code -eq 2 ]] && grep -q "given twice" twice.txt || fail "a store given twice: exit $code, $(cat twice.txt)"
echo "sweep_query: all checks passed"
