#!/usr/bin/env bash
# Any job key as a grid axis, zipped axes and exclusions (docs/sweep-file.md): the planned cells
# are the expected combinations, each cell's job text carries its axis values, seeds stay paired,
# the store has a column per axis that queries use, and bad axes exit 2 naming file, line and key.
source "$(dirname "$0")/common.sh"
cat > axes.toml <<'TOML'
[sweep]
name = "axes"
seed = 3

[pde]
case = "burgers"
length = "2*pi"
dt = 0.01
steps = 20
viscosity = 0.03

[network]
activation = "tanh"

[training]
mode = "autoregressive"
epochs = 10
transitions = 2

[integrator]
substeps = 10

[analysis]
test_ics = [ { kind = "step", amplitude = 2.0 } ]
jacobian_states = [0]

[grid]
resolution = [16, 24]
ic = [ { kind = "step", amplitude = 2.0 } ]
"training.learning_rate" = [1e-2, 1e-3]
"network.hidden" = [[8, 8], [6]]

[[grid.zip]]
train_stencil = ["backward1", "central2"]
infer_stencil = ["central2", "backward1"]

[[grid.exclude]]
resolution = 24
"network.hidden" = [6]
TOML

# 2 resolutions x 2 stencil pairs x 2 widths x 2 learning rates = 16, less the 4 excluded
"$bin" plan axes.toml > plan.txt || fail "plan exited $?"
grep -q "= 12 cells (4 of 16 left out by 1 exclusions)" plan.txt || fail "plan counts: $(cat plan.txt)"
grep -q "^  training.learning_rate *2  0.01, 0.001" plan.txt || fail "plan lists no learning-rate axis: $(cat plan.txt)"
"$bin" plan axes.toml --cells --format csv > cells.csv || fail "plan --cells exited $?"
"$bin" plan axes.toml --cells --where resolution=24 --where training.learning_rate=0.001 --format csv > some.csv
[[ $(tail -n +2 some.csv | wc -l) -eq 2 ]] || fail "plan --cells --where: $(cat some.csv)"
# Numbers as the store and query print them (shortest round trip, not the canonical 17 digits),
# and --where matching a number as query does (0.1 = 1e-1 = 0.10000000000000001).
sed 's/^"training.learning_rate" = .*/"training.learning_rate" = [0.05, 0.1]/' axes.toml > tenths.toml
"$bin" plan tenths.toml > tenths.txt || fail "plan of tenths.toml exited $?"
grep -q "^  training.learning_rate *2  0.05, 0.1$" tenths.txt || fail "plan prints the rates as: $(grep learning tenths.txt)"
for spelling in 0.1 1e-1 0.10000000000000001; do
  n=$("$bin" plan tenths.toml --cells --where training.learning_rate=$spelling --format csv | tail -n +2 | wc -l)
  [[ $n -eq 6 ]] || fail "plan --cells --where training.learning_rate=$spelling: $n cells, expected 6"
done

SWEEP=axes.toml sweep 3 axes.h5 || fail "the axes sweep exited $?"
# The store is self-describing as docs/store.md says (every object, type, axis, unit), with its
# int, float and text axis columns and groups of several shapes; and the check can fail.
layout=$src/tests/mpi/check_store_layout.py
/usr/bin/python3 "$layout" axes.h5 "$src/docs/store.md" || fail "the store differs from docs/store.md"
for damage in "del f['results/N16/weights'].attrs['widths']" "f['results/N16/extra'] = [1.0]" \
              "f['status/code'].attrs['units'] = ''" "del f['results/N24/rollout/saturation']" \
              "del f['results/N16/rollout/relative_l2_error'].attrs['coordinates']" \
              "del f['results/N24/closure/fit/term']" "del f['experiments/case'].attrs['_Encoding']"; do
  cp axes.h5 damaged.h5
  /usr/bin/python3 -c "import h5py; f = h5py.File('damaged.h5', 'r+'); $damage"
  ! /usr/bin/python3 "$layout" damaged.h5 "$src/docs/store.md" > /dev/null || fail "check_store_layout.py missed: $damage"
done
/usr/bin/python3 - <<'PY' || fail "cells, job texts, seeds or store columns are not as planned"
import csv, itertools, tomllib, glob, h5py
rows = list(csv.DictReader(open("cells.csv")))
want = set()
for n, (tr, inf), hid, lr in itertools.product([16, 24], [("backward1", "central2"), ("central2", "backward1")],
                                               ["[8, 8]", "[6]"], ["0.01", "0.001"]):
    if not (n == 24 and hid == "[6]"):
        want.add((str(n), tr, inf, hid, lr))
got = {(r["resolution"], r["train_stencil"], r["infer_stencil"], r["network.hidden"], r["training.learning_rate"]) for r in rows}
assert got == want and len(rows) == 12, (sorted(got), sorted(want))
by_id = {int(r["id"]): r for r in rows}
f = h5py.File("axes.h5", "r")
ex = f["experiments"]
seeds = {}
for path in glob.glob("axes.h5.d/shards/*.h5"):
    cell = int(path.split("/")[-1].split("-")[0])
    text = h5py.File(path, "r").attrs["job_toml"]
    job = tomllib.loads(text.decode() if isinstance(text, bytes) else text)
    r = by_id[cell]
    assert job["pde"]["resolution"] == int(r["resolution"]), (cell, job["pde"])
    assert job["stencils"] == {"train": r["train_stencil"], "infer": r["infer_stencil"]}, (cell, job["stencils"])
    assert str(job["network"]["hidden"]).replace(" ", "") == r["network.hidden"].replace(" ", ""), (cell, job["network"])
    assert job["training"]["learning_rate"] == float(r["training.learning_rate"]), (cell, job["training"])
    assert ex["hash"][cell].decode() == r["hash"]
    # the store's axis columns: numbers as numbers, anything else as its text
    assert ex["training.learning_rate"][cell] == float(r["training.learning_rate"])
    assert ex["network.hidden"][cell].decode() == r["network.hidden"]
    seeds.setdefault((r["resolution"], r["network.hidden"]), set()).add(job["experiment"]["seed"])
    assert job["experiment"]["seed"] == ex["seed"][cell]
# paired seeds: one per network shape (widths N, hidden..., N), whatever the stencils or learning rate
assert all(len(s) == 1 for s in seeds.values()) and len({min(s) for s in seeds.values()}) == 3, seeds
# cells of another shape sit in their own results group
assert sorted(f["results"]) == ["N16", "N16-2", "N24"], list(f["results"])
assert f["results/N16-2/weights/final"].shape[0] == 4
PY
codes=$(status_codes axes.h5 | xargs)
[[ $codes == "1 1 1 1 1 1 1 1 1 1 1 1" ]] || fail "not every cell done: $codes"
"$bin" query axes.h5 --group-by training.learning_rate,network.hidden --metric final_loss --format csv > q.csv
[[ $(tail -n +2 q.csv | wc -l) -eq 4 ]] || fail "query by two dotted axes: $(cat q.csv)"
"$bin" query axes.h5 --where 'network.hidden=[6]' --stat count --format csv | grep -q "^4," ||
  fail "query --where on a dotted axis"
# the canonical sweep the store keeps reads back to the same sweep
[[ $("$bin" plan axes.h5.d/sweep.toml | head -1) == $(head -1 plan.txt) ]] || fail "the stored canonical sweep has another hash"
echo "ok   dotted axes, a zip and an exclusion: 12 planned cells, each job as planned, paired seeds, queries"

# Bad axes: exit 2, nothing written, one line naming file, line and key.
bad() {  # NAME SED-EXPRESSION EXPECTED-MESSAGE
  sed -e "$2" axes.toml > "$1.toml"
  local code=0
  "$bin" run "$1.toml" --store "$1.h5" > /dev/null 2> "$1.err" || code=$?
  [[ $code -eq 2 ]] || fail "$1: exit $code, expected 2"
  grep -qF -- "$3" "$1.err" || fail "$1: message '$(cat "$1.err")' does not contain '$3'"
  [[ ! -e $1.h5 ]] || fail "$1: a store was written"
}
bad unknown_key 's/"training.learning_rate"/"training.learnig_rate"/' \
  'unknown_key.toml:30: grid."training.learnig_rate": unknown key; the keys an axis can vary are experiment.seed, pde.case'
bad bad_value 's/\[1e-2, 1e-3\]/[1e-2, -1e-3]/' \
  'bad_value.toml:30: grid."training.learning_rate": must be a positive finite number (value -0.001)'
bad not_a_section 's/"training.learning_rate"/"solver.learning_rate"/' 'not_a_section.toml:30: grid."solver.learning_rate": an axis is'
bad named_job_key 's/"training.learning_rate"/"stencils.train"/' "named_job_key.toml:30: grid.\"stencils.train\": is the grid's named axis 'train_stencil'"
bad twice 's/^epochs = 10/epochs = 10\nlearning_rate = 0.1/' 'twice.toml:18: training.learning_rate: is also the grid axis grid."training.learning_rate"'
bad zip_lengths 's/^infer_stencil = .*/infer_stencil = ["central2"]/' 'zip_lengths.toml:34: grid.zip[0].train_stencil: has 2 values but infer_stencil has 1'
bad exclude_axis 's/^"network.hidden" = \[6\]/"network.depth" = 2/' 'exclude_axis.toml:39: grid.exclude[0]."network.depth": is not an axis of this grid'
bad exclude_value 's/^"network.hidden" = \[6\]/"network.hidden" = [7]/' 'exclude_value.toml:39: grid.exclude[0]."network.hidden": [7] is not a value of this axis'
bad repeated 's/\[1e-2, 1e-3\]/[1e-2, 0.01]/' 'repeated.toml:30: grid."training.learning_rate": lists the value 0.01 twice'
bad seed_twice 's/^"training.learning_rate" = .*/"experiment.seed" = [1, 2]/' 'seed_twice.toml:3: sweep.seed: the seed is either one value here or the grid axis "experiment.seed"'
bad all_excluded 's/^"network.hidden" = \[6\]//; s/^resolution = 24/train_stencil = "backward1"\n[[grid.exclude]]\ntrain_stencil = "central2"/' \
  'grid.exclude: the exclusions leave no cell'
sed -e 's/^steps = 20//' -e 's/^"training.learning_rate" = .*/"pde.steps" = [20, 1]/' axes.toml > steps.toml
code=0; "$bin" plan steps.toml > /dev/null 2> steps.err || code=$?
[[ $code -eq 2 ]] && grep -qF 'steps.toml:18: training.transitions: must not exceed the horizon pde.steps = 1 (in the cells with' steps.err ||
  fail "a cross-field error in one combination: $code $(cat steps.err)"
echo "ok   bad axes: exit 2 with file, line and key, nothing written"
