#!/usr/bin/env bash
# Degenerate fields never crash (issue "Nothing lost", item 1 and 7): run-one's whole pipeline
# on training ICs that are constant (a step of amplitude 1 is u = 1 everywhere), zero (a sine of
# amplitude 0), 1e-300 (a soliton and a step), 1e300 and a kink of width 1e-6 (a jump within one
# point) ends with exit 0 (or 1 for a cell that diverged: data), and a closure fit that cannot be
# determined says so with its reason; identify on degenerate trajectories (constants, zeros,
# 1e-300, 1e200, a spike, states constant in time, a NaN, N beyond its limit) exits 2 with one
# line naming the file, and prints names with control characters escaped. The sanitizer stage
# runs this script again under ASan and UBSan.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
job=$src/tests/cli/tiny-burgers.toml

# 1. run-one on degenerate training ICs.
ics=('{ kind = "step", amplitude = 1.0 }' '{ kind = "sine", amplitude = 0.0, c = 1.0 }'
     '{ kind = "soliton", amplitude = 1e-300 }' '{ kind = "step", amplitude = 1e-300 }'
     '{ kind = "step", amplitude = 1e300 }' '{ kind = "kink", amplitude = 1.0, width = 1e-6 }')
n=0
for ic in "${ics[@]}"; do
  n=$((n + 1))
  sed "s/^train = { kind = \"step\", amplitude = 2.0 }/train = $ic/" "$job" > d$n.toml
  grep -qF "train = $ic" d$n.toml || fail "the training IC was not replaced by $ic"
  code=0; timeout 300 "$bin" run-one d$n.toml --out d$n.h5 > d$n.txt 2>&1 || code=$?
  [[ $code -eq 0 || $code -eq 1 ]] || { cat d$n.txt; fail "run-one with training IC $ic exited $code"; }
  if [[ $code -eq 1 ]]; then grep -q "status: diverged" d$n.txt || fail "$ic: exit 1 but not diverged: $(cat d$n.txt)"; fi
  [[ -s d$n.h5 ]] || fail "$ic: no result file"
done
# u = 1 everywhere: no derivative, so the physics fit is not determined, and it says why.
grep -q "physics fit not determined: every candidate term is zero on these states" d1.txt ||
  fail "the uniform field's closure fit: $(cat d1.txt)"
grep -q "fit not determined" d2.txt || fail "the zero field's closure fit: $(cat d2.txt)"
grep -q "undefined (c = 0)" d2.txt || fail "the zero field's closure error: $(cat d2.txt)"
if grep -q -- "-nan" d1.txt d2.txt d3.txt; then fail "a summary prints -nan: $(grep -- -nan d1.txt d2.txt d3.txt)"; fi
grep -q "status: diverged" d5.txt || fail "a training IC of 1e300 should diverge: $(cat d5.txt)"

# 2. identify on degenerate trajectory files.
"$bin" run-one "$job" --epochs 0 --out b1.h5 --quiet > /dev/null || fail "run-one exited $?"
/usr/bin/python3 - <<'PY' || fail "writing trajectory files"
import h5py, numpy as np
truth = h5py.File("b1.h5", "r")["/fields/truth"][...]
pde = '[pde]\ncase = "burgers"\nlength = "2*pi"\ndt = 0.01\nviscosity = 0.03\n'
def write(path, data, text=pde, **attrs):
    with h5py.File(path, "w") as f:
        f["trajectories"] = data
        f.attrs["pde_toml"] = np.bytes_(text)
        for k, v in attrs.items():
            f.attrs[k] = np.bytes_(v)
write("big.h5", truth * 1e200)
write("still.h5", np.repeat(truth[:, :1, :], truth.shape[1], axis=1))
write("zeros.h5", np.zeros_like(truth))
write("ones.h5", np.ones_like(truth))
write("tiny.h5", truth * 1e-300)
spike = np.zeros_like(truth); spike[:, :, 5] = 1.0
write("spike.h5", spike)
nan = truth.copy(); nan[0, 3, 4] = np.nan
write("nan.h5", nan)
write("wide.h5", np.zeros((1, 3, 16384)))
write("escape.h5", truth, name="\x1b[31mred\x1b[0m\x07")
PY
expect_error() {  # file, pattern of the one-line message
  local code=0
  timeout 120 "$bin" identify "$1" > out.txt 2> err.txt || code=$?
  [[ $code -eq 2 && $(wc -l < err.txt) -eq 1 ]] && grep -q -- "$1: .*$2" err.txt ||
    fail "identify $1: exit $code (expected 2), $(cat out.txt err.txt)"
}
expect_error big.h5 "values as large as 1e+201"
expect_error still.h5 "the data do not change in time"
expect_error zeros.h5 "the data do not change in time"
expect_error ones.h5 "the data do not change in time"
expect_error tiny.h5 "the data do not change in time"
expect_error spike.h5 "the data do not change in time"
expect_error nan.h5 "non-finite values"
expect_error wide.h5 "16384 grid points: identify takes at most 8192"
"$bin" identify escape.h5 > out.txt || fail "identify escape.h5 exited $?"
if grep -q $'\x1b' out.txt; then fail "identify printed an escape sequence raw"; fi
grep -qF '\x1b[31mred\x1b[0m\x07' out.txt || fail "the name is not shown escaped: $(cat -v out.txt)"
grep -q "^escape.h5 .* backward1 *- *- " out.txt || fail "a file with no stencil should agree '-': $(cat -v out.txt)"
echo "degenerate: ${#ics[@]} degenerate training ICs through run-one (no crash, undetermined fits said), 8 degenerate trajectory files refused with exit 2, escapes shown escaped"
