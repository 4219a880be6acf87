#!/usr/bin/env bash
# identify: which stencil made a dataset's truth, from the stored trajectories alone. A run-one
# file of the tiny Burgers job (its advection by backward1, then by central4) is named after its
# own training stencil, in every format, and so is a trajectory file written with h5py; a file
# without fields, a file that is not a result file and bad trajectory files exit 2 with one line.
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
# A trajectory file (docs/trajectory-file.md) written with h5py from b1.h5's truth: the same answer,
# the truncation fit's evidence in --candidates, and its errors (one line, file:line:key, exit 2).
/usr/bin/python3 - <<'PY' || fail "writing trajectory files"
import h5py, numpy as np
truth = h5py.File("b1.h5", "r")["/fields/truth"][...]
pde = '[pde]\ncase = "burgers"\nlength = "2*pi"\ndt = 0.01\nviscosity = 0.03\n'
def write(path, text, data=truth, **attrs):
    with h5py.File(path, "w") as f:
        f["trajectories"] = data
        if text is not None:
            f.attrs["pde_toml"] = np.bytes_(text)
        for k, v in attrs.items():
            f.attrs[k] = np.bytes_(v)
write("traj.h5", pde, name="from-h5py", stencil="backward1")
write("traj-wrong-n.h5", pde + "resolution = 64\n")
write("traj-typo.h5", pde.replace("viscosity", "viscosty"))
write("traj-no-toml.h5", None)
write("traj-2d.h5", pde, data=truth[0])
with h5py.File("traj-vlen.h5", "w") as f:
    f["trajectories"] = truth
    f.attrs["pde_toml"] = pde  # h5py's default: a variable-length string
PY
"$bin" identify traj.h5 --candidates > traj.txt || fail "identify of a trajectory file exited $?"
grep -q "^traj.h5 *from-h5py *backward1 *backward1 *yes" traj.txt || fail "the trajectory file not named backward1: $(cat traj.txt)"
grep -q "truncation fit: b" traj.txt || fail "--candidates lacks the truncation fit: $(cat traj.txt)"
expect_error() {  # file, pattern of the one-line message
  local code=0
  "$bin" identify "$1" > /dev/null 2> err.txt || code=$?
  [[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -q -- "$2" err.txt || fail "$1: exit $code, $(cat err.txt)"
}
expect_error traj-wrong-n.h5 "traj-wrong-n.h5: pde_toml:6: pde.resolution: is 64, but /trajectories has 32 grid points"
expect_error traj-typo.h5 "traj-typo.h5: pde_toml:5: pde.viscosty: unknown key"
expect_error traj-no-toml.h5 "traj-no-toml.h5: a trajectory file needs the root attribute pde_toml"
expect_error traj-2d.h5 "traj-2d.h5: /trajectories must be trajectories x (steps + 1) x grid points"
expect_error traj-vlen.h5 "traj-vlen.h5: attribute 'pde_toml' on '.' is not a fixed-length string (.*numpy.bytes_"
"$bin" run-one "$job" --epochs 0 --fields none --out none.h5 --quiet > /dev/null
code=0; "$bin" identify none.h5 > /dev/null 2> err.txt || code=$?
[[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -q "no truth fields" err.txt || fail "a file without fields: $code $(cat err.txt)"
echo "not hdf5" > bad.h5
code=0; "$bin" identify bad.h5 > /dev/null 2> err.txt || code=$?
[[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -q "not an HDF5 file" err.txt || fail "a bad file: $code $(cat err.txt)"
echo "identify: backward1 and central4 data named after their stencils, from run-one and trajectory files; bad input exits 2"
