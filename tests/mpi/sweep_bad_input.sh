#!/usr/bin/env bash
# Bad sweep files and a store from another sweep: exit 2, one clear message, store untouched.
source "$(dirname "$0")/common.sh"
failures=0
expect2() {
  local name=$1 pattern=$2; shift 2
  local code=0
  mpirun -np 2 "$bin" run "$@" > out.txt 2> err.txt || code=$?
  if [[ $code -ne 2 ]]; then echo "FAIL $name: exit $code"; cat err.txt; failures=$((failures+1));
  elif ! grep -qE -- "$pattern" err.txt; then echo "FAIL $name: message does not match '$pattern':"; cat err.txt; failures=$((failures+1));
  else echo "ok   $name: $(head -1 err.txt)"; fi
}
mutate() { sed -e "$2" "$smoke" > "$1.toml"; }

mutate unknown_stencil 's/"central2"\]/"central3"]/'
expect2 unknown_stencil "unknown_stencil.toml:34: grid.infer_stencil: unknown stencil 'central3'" unknown_stencil.toml --store x.h5
mutate empty_list 's/^resolution = \[16, 24\]/resolution = []/'
expect2 empty_list 'empty_list.toml:32: grid.resolution: must list at least one value' empty_list.toml --store x.h5
mutate small_n 's/^resolution = \[16, 24\]/resolution = [16, 4]/'
expect2 small_n 'small_n.toml:32: grid.resolution: N = 4 is smaller than the 7 points of central6' small_n.toml --store x.h5
mutate wrong_type 's/^epochs = 40/epochs = "40"/'
expect2 wrong_type 'wrong_type.toml:21: training.epochs: must be an integer' wrong_type.toml --store x.h5
mutate unknown_key 's/^seed = 11/seed = 11\nsed = 3/'
expect2 unknown_key 'unknown_key.toml:8: sweep.sed: unknown key' unknown_key.toml --store x.h5
mutate huge_network 's/^hidden = \[8, 8\]/hidden = [100000, 100000, 100000]/'
expect2 huge_network 'huge_network.toml:17: network.hidden: this experiment needs about [0-9.e+]+ GB of memory' huge_network.toml --store x.h5
mutate huge_epochs 's/^epochs = 40/epochs = 1000000000/'
expect2 huge_epochs 'huge_epochs.toml:21: training.epochs: this experiment needs about [0-9.e+]+ GB of memory' huge_epochs.toml --store x.h5
mutate bad_fields 's/^jacobian_states = \[0, 10\]/jacobian_states = [0, 10]\nfields = "some"/'
expect2 bad_fields "bad_fields.toml:30: analysis.fields: .*'some'.*none, rollouts, all" bad_fields.toml --store x.h5
mutate fields_axis 's/^\[grid\]/[grid]\n"analysis.fields" = ["none", "all"]/'
expect2 fields_axis 'fields_axis.toml:[0-9]+: grid."analysis.fields": every cell of a sweep keeps the same solution fields' fields_axis.toml --store x.h5
expect2 missing_store '--store FILE.h5 is required' "$smoke"
[[ ! -e x.h5 && ! -e x.h5.d ]] || { echo "FAIL: bad input left x.h5 behind"; failures=$((failures+1)); }

# A store made by smoke.toml, then run with a sweep of another name: refused, bytes unchanged.
# (A sweep of the same name grows the store: tests/mpi/sweep_grow.sh.)
sweep 2 store.h5 || fail "making the store exited $?"
mutate other 's/^name = "smoke"/name = "other"/'
sum_before=$(cat store.h5 store.h5.d/journal | md5sum)
expect2 mismatch 'was made from a different sweep' other.toml --store store.h5
[[ "$(cat store.h5 store.h5.d/journal | md5sum)" == "$sum_before" ]] || { echo "FAIL: the mismatched run changed the store"; failures=$((failures+1)); }
printf 'not hdf5' > junk.h5
expect2 not_a_store 'junk.h5: --store: exists but is not an npdesweep store' "$smoke" --store junk.h5
[[ "$(cat junk.h5)" == "not hdf5" ]] || { echo "FAIL: junk.h5 was changed"; failures=$((failures+1)); }

if ((failures)); then echo "$failures checks failed"; exit 1; fi
echo "sweep_bad_input: all checks passed"
