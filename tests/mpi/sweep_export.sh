#!/usr/bin/env bash
# `npdesweep export`: pandas reads the CSV with no options and the JSON lines with one (the seed's
# type: pandas' own guess goes through a double), with a numeric dtype for every metric; every
# value read equals the one recomputed from the store's datasets with h5py: bitwise when read
# exactly (read_csv(float_precision="round_trip"), read_json(precise_float=True): the text is at
# round-trip precision), within 1e-12 relative with pandas' default float parsers, which are
# fast and not correctly rounded. The JSON is strict (a strict parser reads every line); missing,
# NaN and inf are distinct in the text; --where and --per-test-ic.
source "$(dirname "$0")/common.sh"
sweep 3 smoke.h5 || true  # the smoke sweep has diverged cells: exit 1
/usr/bin/python3 "$src/tests/mpi/check_store_layout.py" smoke.h5 "$src/docs/store.md" ||
  fail "the store (diverged cells included) differs from docs/store.md"
"$bin" export smoke.h5 > cells.csv || fail "export exited $?"
"$bin" export smoke.h5 --format jsonl > cells.jsonl || fail "export --format jsonl exited $?"
"$bin" export smoke.h5 --format json > cells.json || fail "export --format json exited $?"
"$bin" export smoke.h5 --per-test-ic --where resolution=24 > per-ic.csv || fail "export --per-test-ic exited $?"
"$bin" export smoke.h5 --per-test-ic --format jsonl > per-ic.jsonl || fail "export --per-test-ic jsonl exited $?"
/usr/bin/python3 - <<'PY' || fail "exported values differ from the datasets"
import math, h5py, numpy as np, pandas as pd
f = h5py.File("smoke.h5", "r")
ex = f["experiments"]
codes = f["status/code"][...]
names = {0: "pending", 1: "done", 2: "failed", 3: "diverged"}
seed = {"seed": "uint64"}
csv, jsonl = pd.read_csv("cells.csv"), pd.read_json("cells.jsonl", lines=True, dtype=seed)
exact_csv = pd.read_csv("cells.csv", float_precision="round_trip")
exact_json = pd.read_json("cells.jsonl", lines=True, precise_float=True, dtype=seed)
assert pd.read_json("cells.json", precise_float=True, dtype=seed).equals(exact_json)
per_ic, per_ic_json = pd.read_csv("per-ic.csv", float_precision="round_trip"), pd.read_json("per-ic.jsonl", lines=True, precise_float=True, dtype=seed)
# typed columns: every metric numeric in both, the seed an exact integer
metrics = [c for c in csv.columns if c not in ("id", "hash", "status", "message", "store", "sweep", "case", "train_stencil",
                                                "infer_stencil", "ic", "stepper", "resolution", "replicate", "seed")]
for table in (csv, exact_csv, jsonl, exact_json):
    bad = [c for c in metrics if not pd.api.types.is_numeric_dtype(table[c])]
    assert not bad, f"columns that are not numeric: {bad}"
    assert pd.api.types.is_integer_dtype(table["seed"]), table["seed"].dtype
tests = ["step(A=4)", "step(A=2)"]
assert len(csv) == len(jsonl) == len(exact_json) == len(codes) == 8 and len(per_ic) == 4 * 2 and len(per_ic_json) == 16

exact = True
def same(a, b):  # equal numbers (bitwise when exact); NaN equals NaN (pandas reads missing as NaN too)
    return (math.isnan(a) and math.isnan(b)) or a == b or (not exact and math.isclose(a, b, rel_tol=1e-12))

for table in (exact_csv, exact_json, csv, jsonl):
    exact = table is exact_csv or table is exact_json
    for _, r in table.iterrows():
        i = int(r["id"])
        assert r["hash"] == ex["hash"][i].decode() and r["status"] == names[codes[i]]
        assert int(r["resolution"]) == ex["resolution"][i] and int(r["seed"]) == ex["seed"][i]
        assert r["train_stencil"] == ex["train_stencil"][i].decode() and r["infer_stencil"] == ex["infer_stencil"][i].decode()
        if codes[i] != 1:
            assert math.isnan(r["rollout_error"]) and math.isnan(r["final_loss"]), r
            continue
        g, row = f["results/" + ex["group"][i].decode()], ex["row"][i]
        last = g["rollout/relative_l2_error"][row][:, -1]
        per_test = [math.inf if math.isnan(x) else x for x in last]
        assert same(r["rollout_error"], max(per_test)), (i, r["rollout_error"], per_test)
        assert r["rollout_blowups"] == sum(math.isnan(x) for x in last)
        loss = g["training/loss"][row]
        assert same(r["final_loss"], loss[np.isfinite(loss)][-1])
        radius = g["jacobian/model/spectral_radius"][row]  # (test IC, state)
        states = list(g["jacobian/state_index"][...])
        at10 = radius[:, states.index(10)]
        finite = [x for x in at10 if not math.isnan(x)]
        assert same(r["max_lambda@10"], max(finite) if finite else math.nan)
        for t, label in enumerate(tests):
            for per in (per_ic, per_ic_json):
                hit = per[(per["id"] == i) & (per["test_ic"] == label)]
                if ex["resolution"][i] != 24 and per is per_ic:
                    assert len(hit) == 0
                    continue
                assert len(hit) == 1
                assert same(hit["rollout_error"].iloc[0], per_test[t]) and same(hit["max_lambda@10"].iloc[0], at10[t])
# the smoke sweep has diverged cells (missing values); a blown-up rollout is inf
assert csv["rollout_error"].isna().any()
assert (csv["rollout_blowups"] > 0).any() == np.isinf(csv["rollout_error"]).any()
print("export ok")
PY
# strict JSON: a parser that refuses NaN and Infinity reads every line; the seed is a string
/usr/bin/python3 - <<'PY' || fail "the JSON output is not strict JSON"
import json
def refuse(c): raise ValueError(c)
for name in ("cells.jsonl", "per-ic.jsonl"):
    for line in open(name):
        r = json.loads(line, parse_constant=refuse)
        assert isinstance(r["seed"], str) and r["seed"].isdigit(), r["seed"]
json.loads(open("cells.json").read(), parse_constant=refuse)
PY
# in the text, a missing value, NaN and inf are three things
if grep -q '"rollout_blowups": [1-9]' cells.jsonl; then
  grep -q ',inf,' cells.csv || fail "no inf in the CSV"
  grep -q '"rollout_error": "inf"' cells.jsonl || fail "no \"inf\" in the JSON lines"
fi
grep -q '"rollout_error": null' cells.jsonl || fail "a diverged cell's metrics are not null"
# bad input: exit 2 with one line
code=0; "$bin" export smoke.h5 --where resolution=17 2> bad.err > /dev/null || code=$?
[[ $code -eq 2 ]] && grep -q "no experiment has resolution=17; values: 16, 24" bad.err || fail "export --where on a missing value: $code $(cat bad.err)"
code=0; "$bin" export smoke.h5 --format xlsx 2> bad.err > /dev/null || code=$?
[[ $code -eq 2 ]] || fail "export --format xlsx: exit $code"
code=0; "$bin" export missing.h5 2> bad.err > /dev/null || code=$?
[[ $code -eq 2 ]] || fail "export of a missing store: exit $code"
echo "ok   export: pandas reads CSV and JSON lines unaided, values bitwise equal to the datasets"
