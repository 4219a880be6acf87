#!/usr/bin/env bash
# Exponential steppers end to end (docs/numerics.md, "Exponential steppers"): as the model's
# stepper, as the truth map's and as the truth data's integrator, on a small gKdV job whose
# dispersion is stiff. The IF-RK4 and ETDRK4 truth maps' spectra must agree with a converged RK4
# map's (160 substeps), ETDRK4's at three times the substeps (its table's map_tolerance_share); the
# substep counts, summaries and result attributes name the steppers; a truth_map with fixed-step
# truth data is refused with exit 2.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
job=$src/tests/cli/tiny-gkdv.toml
# with_integrator KEY=VALUE...: the job with an [integrator] section holding these lines
with_integrator() { cat "$job"; printf '\n[integrator]\n'; for kv in "$@"; do printf '%s\n' "$kv"; done; }
attr() { h5dump -a "$2" "$1" | sed -n 's/.*(0): "\(.*\)".*/\1/p' | head -1; }
# close_radii A B: the truth maps' max|lambda| of two result files agree to 1e-3 at every test IC
close_radii() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = (h5py.File(f, "r")["/jacobian/truth/spectral_radius"][...] for f in sys.argv[1:3])
print(" ".join(f"{x:.6f}/{y:.6f}" for x, y in zip(a.ravel(), b.ravel())))
sys.exit(0 if a.shape == b.shape and np.all(np.abs(a - b) <= 1e-3) else 1)
PY
}

"$bin" run-one "$job" --out rk4.h5 --quiet > rk4.txt || fail "the RK4 run exited $?"
with_integrator 'substeps = 160' > converged.toml  # the truth map takes at least these substeps
"$bin" run-one converged.toml --out converged.h5 --quiet > converged.txt || fail "the converged RK4 run exited $?"
for s in etdrk4 ifrk4; do
  map=$s
  with_integrator "model = \"$s\"" "truth_map = \"$map\"" > $s.toml
  "$bin" run-one $s.toml --out $s.h5 --quiet > $s.txt || fail "the $s run exited $?"
  grep -q "status: done" $s.txt || fail "$s: $(grep status $s.txt)"
  grep -q "($s), truth map [0-9]* ($map)" $s.txt || fail "$s: summary does not name the steppers: $(grep substeps $s.txt)"
  [[ $(attr $s.h5 /integrator/stepper) == "$s" ]] || fail "$s: /integrator@stepper is $(attr $s.h5 /integrator/stepper)"
  attr $s.h5 /jacobian/truth/integrator | grep -q "^$map, " || fail "$s: /jacobian/truth@integrator lacks $map"
  # fewer substeps than RK4's, which the stiff dispersion forces
  sub_rk4=$(grep -o 'substeps model [0-9]*' rk4.txt | grep -o '[0-9]*$')
  sub=$(grep -o 'substeps model [0-9]*' $s.txt | grep -o '[0-9]*$')
  (( sub < sub_rk4 )) || fail "$s takes $sub model substeps, RK4 $sub_rk4"
  # the same truth map, integrated another way: max|lambda| at each test IC within 1e-3
  radii=$(close_radii converged.h5 $s.h5) || fail "$map truth map max|lambda| differs from RK4's (RK4/$map): $radii"
  echo "ok   model $s: $sub substeps (RK4 $sub_rk4); truth map $map max|lambda| vs converged RK4: $radii"
done

# Exponential truth data: done, and named.
with_integrator 'truth = "etdrk4"' > truth.toml
"$bin" run-one truth.toml --out truth.h5 --quiet > truth.txt || fail "the etdrk4-truth run exited $?"
grep -q "status: done" truth.txt || fail "etdrk4 truth: $(grep status truth.txt)"
attr truth.h5 /integrator/truth | grep -q "Cox-Matthews" || fail "/integrator@truth does not name ETDRK4"
echo "ok   truth data by ETDRK4"

# truth_map applies to adaptive truth data only: one clear message, exit 2, naming file and key.
with_integrator 'truth = "rk4"' 'truth_map = "ifrk4"' > bad.toml
code=0; "$bin" run-one bad.toml --no-out > /dev/null 2> bad.err || code=$?
[[ $code -eq 2 ]] && grep -q "bad.toml.*truth_map.*adaptive" bad.err || fail "truth_map with RK4 data: exit $code, $(cat bad.err)"
with_integrator 'truth_map = "rk5"' > bad2.toml
code=0; "$bin" run-one bad2.toml --no-out > /dev/null 2> bad2.err || code=$?
[[ $code -eq 2 ]] && grep -q "bad2.toml:[0-9]*: integrator.truth_map: .*rk4.*etdrk4" bad2.err ||
  fail "truth_map = rk5: exit $code, $(cat bad2.err)"
# ETDRK4's map takes three times IF-RK4's substeps (1/81 of the tolerance)
sub_if=$(grep -o 'truth map [0-9]*' ifrk4.txt | grep -o '[0-9]*$') sub_etd=$(grep -o 'truth map [0-9]*' etdrk4.txt | grep -o '[0-9]*$')
(( sub_etd >= 3 * sub_if - 2 )) || fail "the ETDRK4 truth map takes $sub_etd substeps, IF-RK4's $sub_if"
echo "ok   truth_map with fixed-step data, or a stepper that does not exist, refused (exit 2); ETDRK4 map $sub_etd substeps, IF-RK4 $sub_if"
