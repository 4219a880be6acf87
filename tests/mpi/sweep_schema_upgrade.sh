#!/usr/bin/env bash
# A store of an older layout (store schema) resumes: the content hashes do not contain the
# layout version, so its finished cells stay finished, and `run` rebuilds the file in the current
# layout from the journal and shards before it runs the rest. `repair` does the same; a store of
# a newer layout than the binary's is refused with exit 2 and left untouched.
source "$(dirname "$0")/common.sh"
sweep 3 reference.h5 || fail "reference run exited $?"
schema=$(h5dump -a /schema_version reference.h5 | awk '/\(0\)/ {print $2}')
[[ $schema -ge 4 ]] || fail "expected store schema >= 4, got '$schema'"

# age STORE: turn a store into one of layout schema 3 (no /experiments/stepper column, no
# closure datasets), as an older npdesweep left it, and forget its last three cells.
age() {
  /usr/bin/python3 - "$1" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["schema_version"] = 3
    del f["/experiments/stepper"]
    for g in f["/results"].values():
        del g["closure"]
PY
  head -n -3 "$1.d/journal" > j && mv j "$1.d/journal"
}

cp -r reference.h5 old.h5 && cp -r reference.h5.d old.h5.d && age old.h5
"$bin" status old.h5 | grep -q "older layout" || fail "status does not say the store has an older layout"
"$bin" query old.h5 --metric closure_discrete > /dev/null 2>&1 &&
  fail "a schema-3 store without closure datasets offered the closure metric"
sweep 3 old.h5 2> err.txt || { cat err.txt; fail "resuming a schema-3 store exited $?"; }
grep -q "has the layout of store schema 3; rebuilding it in schema" err.txt || { cat err.txt; fail "no rebuild message"; }
same_results reference.h5 old.h5 || fail "the rebuilt and resumed store differs from the reference"
[[ $(journal_ids old.h5 | wc -l) -eq 8 ]] || fail "expected 8 journal records (5 kept + 3 rerun)"
[[ $(journal_ids old.h5 | sort -u | wc -l) -eq 8 ]] || fail "a finished cell ran again"
h5dump -a /schema_version old.h5 | grep -q "(0): $schema" || fail "the rebuilt store is not schema $schema"

# repair rebuilds an older layout too (nothing to run: all journaled cells have shards).
cp -r reference.h5 rep.h5 && cp -r reference.h5.d rep.h5.d
/usr/bin/python3 -c "import h5py; f = h5py.File('rep.h5', 'r+'); f.attrs['schema_version'] = 3; del f['/experiments/stepper']"
"$bin" repair rep.h5 > out.txt || { cat out.txt; fail "repair of a schema-3 store exited $?"; }
grep -q "older layout" out.txt || { cat out.txt; fail "repair did not say why it rebuilt"; }
same_results reference.h5 rep.h5 || fail "the repaired schema-3 store differs from the reference"

# A newer layout than ours: refused, exit 2, nothing changed.
cp -r reference.h5 new.h5 && cp -r reference.h5.d new.h5.d
/usr/bin/python3 -c "import h5py; f = h5py.File('new.h5', 'r+'); f.attrs['schema_version'] = 99"
before=$(md5sum new.h5 new.h5.d/journal)
code=0; sweep 3 new.h5 2> err.txt || code=$?
[[ $code -eq 2 ]] || fail "a store from a newer npdesweep: run exited $code, expected 2"
grep -q "newer npdesweep (store schema 99" err.txt || { cat err.txt; fail "no clear message for a newer store"; }
code=0; "$bin" repair new.h5 > /dev/null 2> err.txt || code=$?
[[ $code -eq 2 ]] || fail "a store from a newer npdesweep: repair exited $code, expected 2"
[[ $(md5sum new.h5 new.h5.d/journal) == "$before" ]] || fail "refusing a newer store changed it"
echo "ok: an older store layout resumes (rebuilt, no cell repeated, results equal); a newer one is refused"
