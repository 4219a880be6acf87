#!/usr/bin/env bash
# identify: which stencil made a dataset's truth, from the stored trajectories alone. A run-one
# file of the tiny Burgers job (its advection by backward1, then by central4) is named after its
# own training stencil, in every format; a file without fields and a file that is not a result
# file exit 2 with one line.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
job=$src/tests/cli/tiny-burgers.toml
"$bin" run-one "$job" --epochs 0 --out b1.h5 --quiet > /dev/null || fail "run-one exited $?"
sed 's/^train = "backward1"/train = "central4"/' "$job" > c4.toml
grep -q '^train = "central4"' c4.toml || fail "the job's training stencil was not replaced"
"$bin" run-one c4.toml --epochs 0 --out c4.h5 --quiet > /dev/null || fail "run-one of the central4 job exited $?"
"$bin" identify b1.h5 c4.h5 --candidates > out.txt || fail "identify exited $?"
grep -q "^b1.h5 .* backward1 *backward1 *yes" out.txt || fail "backward1 data not named backward1: $(cat out.txt)"
grep -q "^c4.h5 .* central4 *central4 *yes" out.txt || fail "central4 data not named central4: $(cat out.txt)"
grep -q "the time difference of order 8" out.txt || fail "--candidates lacks the candidates' tables"
"$bin" identify b1.h5 c4.h5 --format json > out.json || fail "identify --format json exited $?"
/usr/bin/python3 - <<'PY' || fail "identify's JSON"
import json
rows = json.load(open("out.json"))
assert [r["named"] for r in rows] == ["backward1", "central4"], rows
assert all(r["agrees"] == "yes" and r["best_flow_share"] < 1e-2 * r["runner_up_flow_share"] for r in rows), rows
PY
"$bin" run-one "$job" --epochs 0 --fields none --out none.h5 --quiet > /dev/null
code=0; "$bin" identify none.h5 > /dev/null 2> err.txt || code=$?
[[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -q "no truth fields" err.txt || fail "a file without fields: $code $(cat err.txt)"
echo "not hdf5" > bad.h5
code=0; "$bin" identify bad.h5 > /dev/null 2> err.txt || code=$?
[[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -q "not an HDF5 file" err.txt || fail "a bad file: $code $(cat err.txt)"
echo "identify: backward1 and central4 data named after their stencils; bad input exits 2"
