#!/usr/bin/env bash
# One cell out of a store: `show` by id and by hash prefix, `extract --out --job`, and run-one of
# the extracted job reproduces the cell's datasets bit for bit; `--init-weights STORE.h5:ID`
# starts from the cell's trained weights; bad cells exit 2 with one line.
source "$(dirname "$0")/common.sh"
sweep 3 s.h5 || true  # the smoke sweep has diverged cells: exit 1
hash0=$(h5dump -d /experiments/hash -s 0 -c 1 s.h5 | grep -o '"[0-9a-f]\{16\}"' | tr -d '"')
"$bin" show s.h5 0 > show0.txt || fail "show exited $?"
grep -q "^cell 0  hash $hash0  status done" show0.txt || fail "show 0: $(head -3 show0.txt)"
grep -q '^\[experiment\]' show0.txt && grep -q '^rollout_error ' show0.txt || fail "show 0 lacks the job or the metrics"
"$bin" show s.h5 "${hash0:0:8}" > show-hash.txt || fail "show by hash exited $?"
cmp -s show0.txt show-hash.txt || fail "show by id and by hash differ"
"$bin" show s.h5 2 --format json > show2.json || fail "show --format json exited $?"
/usr/bin/python3 - <<'PY' || fail "show of a diverged cell"
import json
d = json.load(open("show2.json"))
assert d["id"] == 2 and d["status"] == "diverged" and "diverged" in d["message"] and d["job_toml"].startswith("[experiment]"), d
PY
for id in 0 5; do
  "$bin" extract s.h5 $id --out c$id.h5 --job c$id.toml > /dev/null || fail "extract $id exited $?"
  "$bin" run-one c$id.toml --out r$id.h5 --quiet > /dev/null || fail "run-one of the extracted job $id exited $?"
  h5diff --exclude-path /timing --exclude-path /provenance c$id.h5 r$id.h5 > /dev/null || fail "cell $id: run-one of its job differs from the store's result"
  [[ $(h5dump -a /content_hash r$id.h5 | grep -o '"[0-9a-f]*"') == $(h5dump -a /content_hash c$id.h5 | grep -o '"[0-9a-f]*"') ]] ||
    fail "cell $id: the reproduced result has another content hash"
done
echo "ok   extract: run-one of an extracted job reproduces the cell bit for bit (2 cells)"
"$bin" run-one c5.toml --init-weights s.h5:5 --epochs 0 --out w.h5 --quiet > /dev/null || fail "--init-weights STORE:ID exited $?"
/usr/bin/python3 - <<'PY' || fail "--init-weights STORE:ID did not start from the cell's final weights"
import h5py, numpy as np
s = h5py.File("s.h5", "r"); ex = s["experiments"]
g = s["results/" + ex["group"][5].decode()]
assert np.array_equal(h5py.File("w.h5", "r")["weights/initial"][...], g["weights/final"][ex["row"][5]])
PY
expect2() {  # EXPECTED-TEXT COMMAND...
  local text=$1 code=0; shift
  "$bin" "$@" > /dev/null 2> err.txt || code=$?
  [[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -qF -- "$text" err.txt || fail "$*: exit $code, $(cat err.txt)"
}
expect2 "no cell 99" show s.h5 99
expect2 "has a content hash starting ffffffff" show s.h5 ffffffff
expect2 "neither a cell id" show s.h5 zebra
expect2 "give --out FILE.h5, --job FILE.toml or both" extract s.h5 0
expect2 "cell 2 is diverged, not done: it has no trained weights" run-one c5.toml --init-weights s.h5:2 --no-out
expect2 "a store keeps one row of weights per cell" run-one c5.toml --init-weights s.h5:/results/N16/weights/final --no-out
echo "ok   show by id and hash, --init-weights STORE:ID, bad cells exit 2"
