#!/usr/bin/env bash
# Bad input to run-one: exit code 2, one message naming file, line and key, nothing written.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
good=$src/tests/cli/tiny-burgers.toml
failures=0

# expect_bad NAME PATTERN ARGS...: run-one must exit 2, print one line matching PATTERN, write nothing.
expect_bad() {
  local name=$1 pattern=$2; shift 2
  local code=0
  "$bin" run-one "$@" --out out.h5 > stdout.txt 2> stderr.txt || code=$?
  local lines; lines=$(wc -l < stderr.txt)
  if [[ $code -ne 2 ]]; then echo "FAIL $name: exit $code, expected 2"; failures=$((failures+1));
  elif ! grep -qE -- "$pattern" stderr.txt; then echo "FAIL $name: message does not match '$pattern':"; cat stderr.txt; failures=$((failures+1));
  elif [[ $lines -ne 1 ]]; then echo "FAIL $name: $lines lines of error, expected one:"; cat stderr.txt; failures=$((failures+1));
  elif compgen -G "out.h5*" > /dev/null; then echo "FAIL $name: left $(ls out.h5*) behind"; failures=$((failures+1));
  else echo "ok   $name: $(cat stderr.txt)"; fi
}

# mutate NAME SED-EXPRESSION: a copy of the good job with one edit
mutate() { sed -e "$2" "$good" > "$1.toml"; }

mutate malformed 's/^case = "burgers"/case = "burgers/'
expect_bad malformed 'malformed.toml:7: TOML syntax error' malformed.toml
mutate unknown_key 's/^viscosity = 0.03/viscosity = 0.03\nviscocity = 0.1/'
expect_bad unknown_key 'unknown_key.toml:13: pde.viscocity: unknown key' unknown_key.toml
mutate unknown_stencil 's/^infer = "central6"/infer = "centre6"/'
expect_bad unknown_stencil "unknown_stencil.toml:16: stencils.infer: unknown stencil 'centre6'" unknown_stencil.toml
mutate small_n 's/^resolution = 32/resolution = 5/'
expect_bad small_n 'small_n.toml:8: pde.resolution: N = 5 is smaller than the 7 points of central6' small_n.toml
mutate zero_dt 's/^dt = 0.01/dt = 0/'
expect_bad zero_dt 'zero_dt.toml:10: pde.dt: must be a positive' zero_dt.toml
mutate negative_nu 's/^viscosity = 0.03/viscosity = -0.03/'
expect_bad negative_nu 'negative_nu.toml:12: pde.viscosity: must be a positive' negative_nu.toml
mutate wrong_type 's/^epochs = 50/epochs = 50.5/'
expect_bad wrong_type 'wrong_type.toml:27: training.epochs: must be an integer' wrong_type.toml
mutate inf_length 's/^length = "2\*pi"/length = "inf pi"/'
expect_bad inf_length "inf_length.toml:9: pde.length: 'inf pi' is not a positive number" inf_length.toml
mutate huge_state 's/^jacobian_states = \[0, 5, 19\]/jacobian_states = [4294967297]/'
expect_bad huge_state 'huge_state.toml:34: analysis.jacobian_states: states must be integers from 0' huge_state.toml
expect_bad huge_epochs '--epochs must be at most 1000000000' "$good" --epochs 4294967296
# Sizes the machine cannot hold are refused before anything is allocated (issue "Nothing lost").
expect_bad epochs_beyond_memory 'with --epochs 1000000000: training.epochs: this experiment needs about [0-9.e+]+ GB of memory, mostly for a loss history' "$good" --epochs 1000000000
mutate huge_network 's/^hidden = \[8, 8\]/hidden = [100000, 100000, 100000]/'
expect_bad huge_network 'huge_network.toml:[0-9]+: network.hidden: this experiment needs about [0-9.e+]+ GB of memory, mostly for 2e\+10 network parameters' huge_network.toml
mutate huge_spectral_grid 's/^resolution = 32/resolution = 1000000/; s/^infer = "central6"/infer = "spectral"/'
expect_bad huge_spectral_grid 'huge_spectral_grid.toml:[0-9]+: pde.resolution: .*N = 1000000 \(N x N Jacobians\)' huge_spectral_grid.toml
expect_bad missing_file 'nonexistent.toml: cannot read the file' nonexistent.toml
mkdir -p a_directory.toml
expect_bad directory 'a_directory.toml: cannot read the file: it is a directory' a_directory.toml
expect_bad bad_epochs '--epochs needs a non-negative integer' "$good" --epochs -3
expect_bad unknown_option 'unknown option --epoch' "$good" --epoch 3
printf 'not hdf5\n' > junk.h5
expect_bad bad_weights_file 'junk.h5: /weights/final' "$good" --init-weights junk.h5
expect_bad missing_weights_file 'nothere.h5: cannot read the weights file' "$good" --init-weights nothere.h5
"$bin" run-one "$good" --out weights.h5 --quiet --epochs 1 > /dev/null
mutate wider 's/^hidden = \[8, 8\]/hidden = [8, 9]/'
expect_bad wrong_weight_count 'weights.h5: /weights/final: holds [0-9]+ values but the job.s network has [0-9]+' wider.toml --init-weights weights.h5
mutate huge_kernel 's/^hidden = \[8, 8\]/kind = "cnn"\nchannels = [4]\nkernel = 1000001/'
expect_bad huge_kernel 'huge_kernel.toml:25: network.kernel: a kernel of 1000001 points is wider than any grid' huge_kernel.toml
mutate even_kernel 's/^hidden = \[8, 8\]/kind = "cnn"\nchannels = [4]\nkernel = 4/'
expect_bad even_kernel 'even_kernel.toml:25: network.kernel: the kernel width must be an odd integer' even_kernel.toml

# An unwritable --out is an input error too, found before any compute.
code=0; "$bin" run-one "$good" --out /nonexistent/dir/x.h5 > /dev/null 2> stderr.txt || code=$?
if [[ $code -ne 2 ]] || ! grep -q "/nonexistent/dir/x.h5: --out: the directory does not exist" stderr.txt; then
  echo "FAIL unwritable_out: exit $code: $(cat stderr.txt)"; failures=$((failures+1)); else echo "ok   unwritable_out"; fi

# A malformed fault-injection hook is refused before anything runs.
code=0; NPDESWEEP_IO_FAULT=write:EWHAT "$bin" run-one "$good" --quiet > /dev/null 2> stderr.txt || code=$?
if [[ $code -ne 2 ]] || ! grep -q "NPDESWEEP_IO_FAULT='write:EWHAT': unknown errno 'EWHAT'" stderr.txt; then
  echo "FAIL bad_fault_hook: exit $code: $(cat stderr.txt)"; failures=$((failures+1)); else echo "ok   bad_fault_hook"; fi

if ((failures)); then echo "$failures bad-input checks failed"; exit 1; fi
echo "bad_input: all checks passed"
