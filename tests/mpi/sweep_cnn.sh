#!/usr/bin/env bash
# The convolutional closure end to end: a sweep with network.kind on an axis puts MLP and CNN
# cells in their own results groups (weights@kind), laid out as docs/store.md says and readable
# by xarray; the MLP cells are the same cells (same content hashes) as in a sweep without the
# axis; run-one of an extracted CNN job reproduces the cell bit for bit, and --init-weights
# starts from its weights; bad network settings exit 2 naming the file, line and key.
source "$(dirname "$0")/common.sh"
cat > cnn.toml <<'TOML'
[sweep]
name = "cnn"
seed = 5

[pde]
case = "burgers"
length = "2*pi"
dt = 0.01
steps = 20
viscosity = 0.03
fixed_stencil = "central6"

[network]
hidden = [8, 8]
channels = [4, 3]
kernel = 5

[training]
mode = "autoregressive"
epochs = 30
transitions = 2

[integrator]
substeps = 10

[analysis]
test_ics = [ { kind = "step", amplitude = 3.0 } ]
jacobian_states = [0, 5]

[grid]
resolution = [16]
train_stencil = ["backward1"]
infer_stencil = ["backward1", "central2"]
ic = [ { kind = "step", amplitude = 2.0 } ]
"network.kind" = ["mlp", "cnn"]
TOML
SWEEP=cnn.toml sweep 2 cnn.h5 || fail "the sweep exited $?"
"$bin" status cnn.h5 | grep -q "cells 4: 4 done" || fail "not every cell done: $("$bin" status cnn.h5 | head -2)"
/usr/bin/python3 - <<'PY' || fail "the store's CNN cells"
import h5py, numpy as np
f = h5py.File("cnn.h5", "r"); ex = f["experiments"]
kinds = {}
for i in range(ex["hash"].shape[0]):
    g = f["results/" + ex["group"][i].decode()]
    kinds.setdefault(g["weights"].attrs["kind"].decode(), set()).add(g.name)
assert set(kinds) == {"mlp", "cnn"} and not (kinds["mlp"] & kinds["cnn"]), kinds
cnn = f[sorted(kinds["cnn"])[0]]
assert list(cnn["weights"].attrs["widths"]) == [1, 4, 3, 1], list(cnn["weights"].attrs["widths"])
assert cnn["weights/final"].shape[1] == 4 * 5 + 4 + 3 * 4 * 5 + 3 + 3 * 5 + 1
assert np.all(np.isfinite(cnn["rollout/relative_l2_error"][...]))
PY
/usr/bin/python3 "$src/tests/mpi/check_store_layout.py" cnn.h5 "$src/docs/store.md" > layout.txt || fail "$(cat layout.txt)"
/usr/bin/python3 "$src/tests/mpi/check_netcdf.py" cnn.h5 > netcdf.txt || fail "$(cat netcdf.txt)"
echo "ok   a network.kind axis: MLP and CNN cells in their own groups, as documented, readable by xarray"

# The MLP cells are the cells of the same sweep without the axis (an MLP's job text is unchanged).
grep -v '"network.kind"' cnn.toml > mlp.toml
"$bin" plan mlp.toml --store cnn.h5 > plan.txt || fail "plan exited $?"
grep -q "run on cnn.h5: 2 reused, 0 new, 0 recomputed" plan.txt ||
  fail "the MLP cells of the axis sweep are not the plain sweep's: $(head -5 plan.txt)"

id=$(/usr/bin/python3 -c "
import h5py; f = h5py.File('cnn.h5', 'r'); ex = f['experiments']
print(next(i for i in range(ex['hash'].shape[0]) if f['results/' + ex['group'][i].decode()]['weights'].attrs['kind'] == b'cnn'))")
"$bin" extract cnn.h5 "$id" --out cell.h5 --job cell.toml > /dev/null || fail "extract exited $?"
grep -q '^kind = "cnn"' cell.toml && grep -q '^kernel = 5' cell.toml || fail "the extracted job lacks the network: $(cat cell.toml)"
"$bin" run-one cell.toml --out again.h5 --quiet > /dev/null || fail "run-one of the extracted CNN job exited $?"
same_results cell.h5 again.h5 || fail "run-one of the extracted CNN job differs from the store's cell"
"$bin" run-one cell.toml --init-weights "cnn.h5:$id" --epochs 0 --out w.h5 --quiet > /dev/null || fail "--init-weights exited $?"
/usr/bin/python3 -c "
import h5py, numpy as np
assert np.array_equal(h5py.File('w.h5', 'r')['weights/initial'][...], h5py.File('cell.h5', 'r')['weights/final'][...])
" || fail "--init-weights did not start from the CNN cell's weights"
echo "ok   extract and run-one reproduce a CNN cell bit for bit; --init-weights reads its weights"

expect2() {  # EXPECTED-TEXT FILE: a job that must exit 2 with one line naming it
  local text=$1 file=$2 code=0
  "$bin" run-one "$file" --no-out --quiet > /dev/null 2> err.txt || code=$?
  [[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -qF -- "$text" err.txt || fail "$file: exit $code, $(cat err.txt)"
}
sed 's/^kernel = 5/kernel = 4/' cell.toml > even.toml
expect2 "even.toml:$(grep -n '^kernel' even.toml | cut -d: -f1): network.kernel" even.toml
sed 's/^kernel = 5/kernel = 17/' cell.toml > wide.toml
expect2 "wider than the grid, N = 16" wide.toml
sed 's/^kind = "cnn"/kind = "transformer"/' cell.toml > kind.toml
expect2 "network.kind" kind.toml
echo "ok   bad network settings exit 2 naming the file, line and key"
