#!/usr/bin/env bash
# Readers never run the sweep front end: a store whose stored sweep text the current grammar
# refuses (here a key a later npdesweep might have added, `sweep.future_key`) still reads with
# status, query (test_ic labels too), export and summarize, both as a store of today's schema
# (the test ICs' labels come from the results groups' test_ic coordinate) and as one older than
# that coordinate (schema < 10: from the sweep text's [analysis] test_ics alone). Running the
# sweep (`run`, `plan`) still reads the whole text and refuses it, naming file, line and key.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

fixture=$src/tests/fixtures/reference/smoke.h5
"$bin" query "$fixture" --metric rollout_error --group-by test_ic --format csv > labels-reference.csv
# make_store NAME [without-coordinate | unreadable-test-ics]: the fixture with `future_key = 1` in
# its stored [sweep]; without the test_ic coordinates, or with a sweep text whose test ICs cannot
# be read at all (so that the labels must come from the coordinate)
make_store() {
  cp "$fixture" "$1"
  /usr/bin/python3 - "$1" "${2:-}" <<'PY'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    text = f.attrs["sweep_toml"]
    text = text.decode() if isinstance(text, bytes) else text
    assert "[sweep]\n" in text
    text = text.replace("[sweep]\n", "[sweep]\nfuture_key = 1\n", 1)
    if sys.argv[2] == "unreadable-test-ics":  # then the labels can only come from the coordinate
        assert "\ntest_ics = [" in text
        text = text.replace("\ntest_ics = [", "\nold_test_ics = [", 1) + "\n[analysis]\ntest_ics = 7\n"
    f.attrs["sweep_toml"] = np.bytes_(text.encode())
    if sys.argv[2] == "without-coordinate":
        names = []
        f.visit(lambda n: names.append(n) if n.endswith("/test_ic") else None)
        assert names
        for name in names:
            del f[name]
PY
}
make_store today.h5
make_store older.h5 without-coordinate
make_store coordinate-only.h5 unreadable-test-ics
for store in today.h5 older.h5 coordinate-only.h5; do
  "$bin" status "$store" > status.txt || fail "$store: status exited $?: $(cat status.txt)"
  grep -q "cells 8: 4 done, 4 diverged" status.txt || fail "$store: status: $(head -3 status.txt)"
  "$bin" query "$store" --metric rollout_error --group-by test_ic --format csv > labels.csv ||
    fail "$store: query exited $?"
  cmp -s labels.csv labels-reference.csv || fail "$store: test_ic labels differ: $(cat labels.csv)"
  "$bin" export "$store" --format csv > export.csv || fail "$store: export exited $?"
  [[ $(wc -l < export.csv) -eq 9 ]] || fail "$store: export has $(wc -l < export.csv) lines, not 9"
  "$bin" summarize "$store" > /dev/null || fail "$store: summarize exited $?"
done
# The sweep itself, run again from that text, is refused: a writer reads all of it.
/usr/bin/python3 -c "
import h5py
t = h5py.File('today.h5', 'r').attrs['sweep_toml']
open('future.toml', 'w').write(t.decode() if isinstance(t, bytes) else t)"
code=0
"$bin" plan future.toml > plan.txt 2>&1 || code=$?
[[ $code -eq 2 ]] && grep -q "future.toml:2: sweep.future_key: unknown key" plan.txt ||
  fail "plan of the refused text exited $code: $(cat plan.txt)"
# ... and that store shows the labels really come from the coordinate: without it, it is refused.
make_store neither.h5 unreadable-test-ics
/usr/bin/python3 -c "
import h5py
with h5py.File('neither.h5', 'r+') as f:
    names = []
    f.visit(lambda n: names.append(n) if n.endswith('/test_ic') else None)
    for n in names:
        del f[n]"
code=0
"$bin" status neither.h5 > neither.txt 2>&1 || code=$?
[[ $code -ne 0 ]] || fail "a store with neither readable test ICs nor their coordinate read: $(head -2 neither.txt)"
echo "ok: a store whose sweep text the grammar refuses reads (today's schema, one without the test_ic coordinate, one whose test ICs only the coordinate holds); plan refuses the text"
