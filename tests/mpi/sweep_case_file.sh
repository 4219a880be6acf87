#!/usr/bin/env bash
# Adding a case is adding a file: Fisher-KPP (tests/cases/fisher.toml, not one of the built-in
# cases/) runs through run-one and a sweep with no C++ change; the canonical text alone defines
# the case (a rerun from a result file's /job_toml equals the first run; the same case written
# inline in the job has the same content hash and results); bad cases exit 2 naming file, line
# and key. Tangent and adjoint of the case's terms: tests/unit/model/test_cases.cpp.
source "$(dirname "$0")/common.sh"
cp "$src/tests/cases/fisher.toml" .

cat > job.toml <<'TOML'
[experiment]
name = "fisher-job"
seed = 2

[pde]
case = "fisher.toml"      # a case file beside this job
resolution = 32
dt = 0.1
steps = 10
rate = 1.5

[stencils]
train = "central2"
infer = "central4"

[initial_conditions]
train = { kind = "step", amplitude = 0.2 }
test = [ { kind = "step", amplitude = 0.5 } ]

[network]
hidden = [12]

[training]
mode = "autoregressive"
epochs = 30
transitions = 2
TOML

"$bin" run-one job.toml --out a.h5 --quiet > a.txt || fail "run-one of the Fisher job exited $?"
grep -q "status: done" a.txt || fail "the Fisher job did not finish: $(cat a.txt)"
grep -qF "truth:  u_t = D2[central2](u) + 1.5 * u - 1.5 * u^2" a.txt || fail "unexpected truth formula: $(grep truth a.txt)"
h5dump -a /case a.h5 | grep -q '"fisher"' || fail "the result file does not name the case"
h5dump -a /job_toml a.h5 | grep -q 'name = "competition"' || fail "/job_toml lacks the case's terms"
hash_a=$(sed -n 's/^== .*\[\([0-9a-f]*\)\]$/\1/p' a.txt)

# The stored canonical text is a complete job: run it again from it alone, in another directory.
/usr/bin/python3 -c "import h5py,sys; v = h5py.File('a.h5','r').attrs['job_toml']; sys.stdout.write(v.decode() if isinstance(v, bytes) else v)" > canonical.toml
mkdir -p elsewhere && cp canonical.toml elsewhere/
"$bin" run-one elsewhere/canonical.toml --out b.h5 --quiet > b.txt || fail "run-one of the canonical text exited $?"
same_results a.h5 b.h5 || fail "the canonical text computed something else"

# The same case inline: same canonical text, hash and results.
sed -e 's/^case = "fisher.toml".*/case = "fisher"/' job.toml > inline.toml
grep -v '^#' fisher.toml >> inline.toml
"$bin" run-one inline.toml --out c.h5 --quiet > c.txt || fail "run-one of the inline case exited $?"
[[ $(sed -n 's/^== .*\[\([0-9a-f]*\)\]$/\1/p' c.txt) == "$hash_a" ]] || fail "inline and file case hash differently"
same_results a.h5 c.h5 || fail "inline and file case differ"

# A sweep of the case file: every cell done, status and query read it, a resume runs nothing.
cat > sweep.toml <<'TOML'
[sweep]
name = "fisher"
seed = 3

[pde]
case = "fisher.toml"
dt = 0.1
steps = 10

[network]
hidden = [12]

[training]
mode = "autoregressive"
epochs = 30
transitions = 2

[analysis]
test_ics = [ { kind = "step", amplitude = 0.5 } ]
jacobian_states = [0, 5]

[grid]
resolution = [24, 32]
train_stencil = ["central2", "central6"]
infer_stencil = ["central4"]
ic = [ { kind = "step", amplitude = 0.2 } ]
TOML
SWEEP=sweep.toml sweep 3 fisher.h5 || fail "the Fisher sweep exited $?"
[[ $(status_codes fisher.h5 | xargs) == "1 1 1 1" ]] || fail "Fisher cells not all done: $(status_codes fisher.h5)"
"$bin" status fisher.h5 > status.txt || fail "status exited $?"
grep -q "4 done" status.txt || fail "status does not count 4 done: $(cat status.txt)"
"$bin" query fisher.h5 --group-by train_stencil --metric rollout_error > query.txt || fail "query exited $?"
grep -q central6 query.txt || fail "query lacks a training stencil: $(cat query.txt)"
mv fisher.toml moved.toml  # a resume reads the case from the store's sweep.toml, not the file
SWEEP=fisher.h5.d/sweep.toml sweep 2 fisher.h5 > /dev/null 2>&1 || true
[[ $(journal_ids fisher.h5 | wc -l) -eq 4 ]] || fail "a resume of a finished sweep committed more cells"
mv moved.toml fisher.toml

# Bad cases: exit 2, one line naming file, line and key; nothing written.
expect_bad() {
  local name=$1 pattern=$2 file=$3 code=0
  "$bin" run-one "$file" --out bad.h5 > /dev/null 2> err.txt || code=$?
  [[ $code -eq 2 ]] || fail "$name: exit $code, expected 2: $(cat err.txt)"
  grep -qE -- "$pattern" err.txt || fail "$name: message does not match '$pattern': $(cat err.txt)"
  [[ $(wc -l < err.txt) -eq 1 ]] || fail "$name: more than one line: $(cat err.txt)"
  [[ ! -e bad.h5 ]] || fail "$name: wrote bad.h5"
  echo "ok   $name: $(cat err.txt)"
}
bad_case() { sed -e "$2" fisher.toml > "$1.toml"; sed -e "s/^case = .*/case = \"$1.toml\"/" job.toml > "job-$1.toml"; }
sed -e 's/^case = .*/case = "heat"/' job.toml > unknown.toml
expect_bad unknown_case "unknown.toml:6: pde.case: unknown case 'heat'; built-in cases: .*burgers" unknown.toml
sed -e 's/^case = .*/case = "nowhere.toml"/' job.toml > missing.toml
expect_bad missing_file "missing.toml:6: pde.case: cannot read the case file nowhere.toml" missing.toml
bad_case order5 '0,/^derivative = 2/s//derivative = 5/'
expect_bad order5 "order5.toml:21: case.terms\[0\].derivative: derivative order 5 has no stencil" job-order5.toml
bad_case nolearned 's/^learned = true//'
expect_bad nolearned "nolearned.toml:[0-9]+: case.terms: no term is replaced by the network" job-nolearned.toml
bad_case badstencil 's/^stencil = "varied"/stencil = "upwind3"/'
expect_bad badstencil "badstencil.toml:22: case.terms\[0\].stencil: 'upwind3' is not" job-badstencil.toml
bad_case shape 's/^inner_power = 2/inner_power = 0/'
expect_bad term_shape "shape.toml:[0-9]+: case.terms\[2\].inner_power: must be an integer from 1" job-shape.toml
bad_case unknownkey 's/^learned = true/learnt = true/'
expect_bad term_key "unknownkey.toml:[0-9]+: case.terms\[1\].learnt: unknown key" job-unknownkey.toml
bad_case param 's/^parameter = "rate"/parameter = "speed"/'
expect_bad parameter "param.toml:[0-9]+: case.terms\[1\].parameter: 'speed' is not one of the case's parameters" job-param.toml
sed -e 's/^name = "fisher"/name = "burgers"/' inline.toml | sed -e 's/^case = "fisher"/case = "burgers"/' > clash.toml
expect_bad name_clash "clash.toml:[0-9]+: case.name: a built-in case is called 'burgers'" clash.toml
sed -e 's/^rate = 1.5/rate = -1.5/' job.toml > negative.toml
expect_bad negative_parameter "negative.toml:10: pde.rate: must be a positive" negative.toml
echo "ok: a case file runs through run-one and a sweep; canonical text, inline case and errors as expected"
