#!/usr/bin/env bash
# run-one end to end: summary, result file layout, byte-identical results on a rerun,
# --init-weights with --epochs 0 re-analyses a saved model exactly, --help.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
job=$src/tests/cli/tiny-burgers.toml
fail() { echo "FAIL: $*" >&2; exit 1; }
# same_bits FILE1 DATASET1 FILE2 DATASET2: the raw little-endian bytes of two datasets are equal
same_bits() {
  h5dump -b LE -d "$2" -o x.bin "$1" > /dev/null && h5dump -b LE -d "$4" -o y.bin "$3" > /dev/null &&
    [[ -s x.bin ]] && cmp -s x.bin y.bin
}

"$bin" run-one "$job" --out a.h5 --quiet > a.txt || fail "run-one exited $?"
grep -q "status: done" a.txt || fail "summary lacks status"
grep -q "rollout relative L2 error" a.txt || fail "summary lacks rollout errors"
grep -q "max|lambda|" a.txt || fail "summary lacks spectral radii"

for d in /weights/initial /weights/final /training/loss /training/update_loss /rollout/relative_l2_error \
         /rollout/time /rollout/test_ic /jacobian/state_index /jacobian/model/eigenvalues \
         /jacobian/model/spectral_radius /jacobian/truth/eigenvalues /jacobian/known_only/spectral_radius \
         /fields/truth /fields/rollout /fields/training_truth /fields/training_rollout /fields/x; do
  h5ls "a.h5$d" > /dev/null 2>&1 || fail "a.h5 lacks $d"
done
h5dump -A -d /rollout/relative_l2_error a.h5 | grep -q '"description"' || fail "datasets lack descriptions"
h5dump -a /job_toml a.h5 | grep -q 'infer = ' || fail "root lacks the canonical job"

# Same job again: every result dataset identical (timings live in /timing and are excluded).
"$bin" run-one "$job" --out b.h5 --quiet > /dev/null
h5diff --exclude-path /timing --exclude-path /provenance a.h5 b.h5 || fail "a rerun changed the results"
# and bitwise, through a raw dump of every dataset
for d in /weights/final /training/loss /rollout/relative_l2_error /jacobian/model/spectral_radius /fields/rollout; do
  same_bits a.h5 "$d" b.h5 "$d" || fail "$d differs bitwise"
done

# Solution fields: run-one keeps all by default; --fields (or the job's analysis.fields) keeps
# fewer, and changes nothing else but the job's content hash and text.
"$bin" run-one "$job" --fields none --out none.h5 --quiet > none.txt || fail "--fields none exited $?"
! h5ls none.h5/fields > /dev/null 2>&1 || fail "--fields none kept /fields"
h5diff --exclude-path /timing --exclude-path /provenance --exclude-path /fields --exclude-attribute / a.h5 none.h5 > diff.txt ||
  fail "--fields none changed other results: $(head -5 diff.txt)"
h5dump -a /job_toml a.h5 | grep -q 'fields = "all"' || fail "the default job text does not say fields = \"all\""
sed 's/^\[analysis\]/[analysis]\nfields = "rollouts"/' "$job" > rollouts.toml
grep -q '^fields = "rollouts"' rollouts.toml || fail "the job has no [analysis] to set fields in"
"$bin" run-one rollouts.toml --out r.h5 --quiet > /dev/null || fail "analysis.fields = rollouts exited $?"
h5ls r.h5/fields/rollout > /dev/null && ! h5ls r.h5/fields/training_truth > /dev/null 2>&1 ||
  fail "analysis.fields = rollouts kept the wrong fields: $(h5ls r.h5/fields)"
code=0; "$bin" run-one "$job" --fields some --no-out > /dev/null 2> fields.err || code=$?
[[ $code -eq 2 ]] && grep -q "'some' is not one of none, rollouts, all" fields.err || fail "--fields some: $code $(cat fields.err)"

# summarize reads result files with the store's metric reader: the last loss, the horizon
# error's range over test ICs, the spectral radii's range over test ICs and states.
"$bin" summarize a.h5 none.h5 --format json > summary.json || fail "summarize exited $?"
/usr/bin/python3 - <<'PY' || fail "summarize disagrees with the result file's datasets"
import h5py, json, numpy as np
rows = json.load(open("summary.json"))
assert len(rows) == 2 and rows[0] == rows[1], rows  # fields change nothing summarize shows
f = h5py.File("a.h5", "r")
r = rows[0]
assert r["experiment"] == "tiny-burgers" and r["status"] == "done", r
assert r["final_loss"] == f["training/loss"][-1], (r["final_loss"], f["training/loss"][-1])
horizon = f["rollout/relative_l2_error"][:, -1]
assert r["rollout_error"] == [horizon.min(), horizon.max()], (r["rollout_error"], horizon)
for which in ("model", "truth"):
    radius = f[f"jacobian/{which}/spectral_radius"][...]
    assert r[f"max_lambda_{which}"] == [radius.min(), radius.max()], (which, r[f"max_lambda_{which}"], radius)
PY

# Re-analyse the trained model without training: same final weights, same analysis.
"$bin" run-one "$job" --init-weights a.h5 --epochs 0 --out c.h5 --quiet > c.txt
same_bits a.h5 /weights/final c.h5 /weights/initial || fail "--init-weights did not load /weights/final"
same_bits a.h5 /weights/final c.h5 /weights/final || fail "--epochs 0 changed the weights"
for d in /rollout/relative_l2_error /jacobian/model/spectral_radius /jacobian/truth/spectral_radius; do
  same_bits a.h5 "$d" c.h5 "$d" || fail "$d differs after --init-weights --epochs 0"
done
h5diff a.h5 c.h5 /jacobian/model/eigenvalues /jacobian/model/eigenvalues || fail "eigenvalues differ"
grep -q "training: none" c.txt || fail "--epochs 0 still trained"
# An explicit dataset path works too.
"$bin" run-one "$job" --init-weights "a.h5:/weights/initial" --epochs 0 --no-out --quiet > /dev/null

"$bin" run-one --help | grep -q -- "--init-weights" || fail "--help lacks options"
"$bin" --help | grep -q "run-one" || fail "top-level help lacks run-one"
echo "run_one: all checks passed"
