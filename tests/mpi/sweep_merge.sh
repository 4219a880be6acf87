#!/usr/bin/env bash
# `npdesweep merge`: stores of one sweep from separate runs become one store.
#   1. a sweep split over two runs (resolution 16, resolution 24), merged with the full sweep as
#      its view: every cell equal to an unsplit run's, each committed once, nothing left to run;
#      the merged store reads (status, query) and grows like any other;
#   2. overlapping stores (a half and a whole run): the shared cells checked equal, taken once;
#   3. conflicting copies (a result changed in one store's shard): refused, naming the cell and
#      the dataset, nothing written; --prefer takes the preferred store's copy and says so;
#   4. bad input: stores of different sweep names, an existing --into, a store given twice:
#      exit 2, nothing written;
#   5. kill -9 during the merge (while copying shards; after the sidecar is in place): merging
#      again, or `repair`, ends in a store equal to the uninterrupted merge.
source "$(dirname "$0")/common.sh"
sed 's/^resolution = .*/resolution = [16]/' "$smoke" > half16.toml
sed 's/^resolution = .*/resolution = [24]/' "$smoke" > half24.toml
sed 's/^resolution = .*/resolution = [16, 24, 32]/' "$smoke" > grown.toml
sed 's/^name = .*/name = "other"/' "$smoke" > other.toml

sweep 3 ref.h5 || [[ $? -eq 1 ]] || fail "the whole sweep exited $?"       # exit 1: its forward1 cells diverge
SWEEP=half16.toml sweep 3 a.h5 || [[ $? -eq 1 ]] || fail "the resolution-16 half exited $?"
SWEEP=half24.toml sweep 3 b.h5 || [[ $? -eq 1 ]] || fail "the resolution-24 half exited $?"

# 1. Split and merged.
"$bin" merge a.h5 b.h5 --into m.h5 --sweep "$smoke" > merge.out || { cat merge.out; fail "merge exited $?"; }
cat merge.out
grep -q "8 finished cells" merge.out || fail "merge did not take 8 cells"
grep -q "view: .* 8 cells, 8 finished, 0 pending" merge.out || fail "the view is not the whole sweep, finished"
same_cells m.h5 ref.h5 > cmp.out || fail "the merged store differs from an unsplit run: $(cat cmp.out)"
same_cells ref.h5 m.h5 > cmp.out || fail "the merged store has cells an unsplit run has not: $(cat cmp.out)"
[[ $(journal_ids m.h5 | wc -l) -eq 8 && $(journal_ids m.h5 | sort | uniq -d | wc -l) -eq 0 ]] ||
  fail "the merged journal: $(journal_ids m.h5 | xargs)"
[[ $(grep -vc '^#' m.h5.d/provenance) -eq 8 ]] || fail "provenance: $(cat m.h5.d/provenance)"
grep -q "$PWD/a.h5" m.h5.d/provenance && grep -q "$PWD/b.h5" m.h5.d/provenance || fail "provenance names no inputs"
[[ ! -e m.h5.d/rebuilding ]] || fail "the merged store is still marked as being rebuilt"
"$bin" status m.h5 > status.out || [[ $? -eq 1 ]] || fail "status on the merged store exited $?"
grep -q "0 pending" status.out || fail "status: $(cat status.out)"
diff <("$bin" query ref.h5 --metric rollout_error --format csv) <("$bin" query m.h5 --metric rollout_error --format csv) ||
  fail "query on the merged store differs from the unsplit run's"
code=0
mpirun -np 3 "$bin" run "$smoke" --store m.h5 > resume.out 2>&1 || code=$?
[[ $code -le 1 && $(journal_ids m.h5 | wc -l) -eq 8 ]] || { cat resume.out; fail "resuming the merged store ran cells (exit $code)"; }
echo "ok 1: two halves merged: 8 cells equal to an unsplit run, each committed once, nothing to resume"
SWEEP=grown.toml sweep 3 m.h5 || [[ $? -eq 1 ]] || fail "growing the merged store exited $?"
[[ $(journal_ids m.h5 | wc -l) -eq 12 ]] || fail "growth of the merged store committed $(journal_ids m.h5 | wc -l), expected 8 + 4"
same_cells m.h5 ref.h5 > cmp.out || fail "the grown merged store lost its merged cells: $(cat cmp.out)"
echo "ok   the merged store grows: 4 new cells run, the 8 merged kept"

"$bin" status a.h5 b.h5 > both.out || [[ $? -eq 1 ]] || fail "status of two stores exited $?"
[[ $(grep -c '^store [ab].h5$' both.out) -eq 2 && $(grep -c '^cells 4: ' both.out) -eq 2 ]] || { cat both.out; fail "status of two stores"; }
"$bin" status a.h5 b.h5 --format json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [x["store"] for x in d] == ["a.h5", "b.h5"] and all(x["cells"] == 4 for x in d), d' || fail "status --format json of two stores"
echo "ok   status of the two halves: each reported under its name (table and JSON)"

# 2. Overlapping stores: a (resolution 16) and ref (everything); a's 4 cells are in both.
"$bin" merge a.h5 ref.h5 --into o.h5 > merge.out || { cat merge.out; fail "merging overlapping stores exited $?"; }
grep -q "4 cells were in several stores: 4 with equal results" merge.out || { cat merge.out; fail "overlap not reported"; }
same_cells o.h5 ref.h5 > cmp.out && same_cells ref.h5 o.h5 > cmp.out || fail "overlapping merge differs: $(cat cmp.out)"
[[ $(journal_ids o.h5 | wc -l) -eq 8 ]] || fail "overlapping merge committed $(journal_ids o.h5 | wc -l) cells, expected 8"
echo "ok 2: overlapping stores: 4 shared cells found equal and taken once, 8 in all"

# 3. Conflicting copies: x is a copy of a whose first done cell has another result.
cp a.h5 x.h5 && cp -r a.h5.d x.h5.d
/usr/bin/python3 - <<'PY'
import glob, h5py
for shard in sorted(glob.glob("x.h5.d/shards/*.h5")):
    with h5py.File(shard, "r+") as f:
        if f.attrs["status"] in ("done", b"done"):
            d = f["rollout/relative_l2_error"]; v = d[...]; v[0, -1] += 1e-12; d[...] = v
            print("changed", shard)
            break
PY
code=0
"$bin" merge a.h5 x.h5 --into c.h5 2> conflict.err || code=$?
cat conflict.err
[[ $code -eq 2 ]] || fail "conflicting copies: exit $code, expected 2"
grep -q "1 cell(s) hold different results" conflict.err && grep -q "/rollout/relative_l2_error: largest difference 1e-12" conflict.err ||
  fail "the conflict message does not name the cell and the dataset"
[[ ! -e c.h5 && ! -e c.h5.d && ! -e c.h5.merging.d ]] || fail "a refused merge wrote something"
"$bin" merge a.h5 x.h5 --into c.h5 --prefer x.h5 > merge.out || fail "--prefer exited $?"
grep -q "1 differed (taken from x.h5)" merge.out || { cat merge.out; fail "--prefer did not say what it took"; }
[[ $(grep -c ' \*$' c.h5.d/provenance) -eq 1 ]] || fail "provenance does not mark the preferred copy"
/usr/bin/python3 - <<'PY' || fail "--prefer x.h5 did not take x's copy"
import glob, h5py, numpy as np
c = h5py.File("c.h5", "r")
ex = c["experiments"]
for shard in glob.glob("x.h5.d/shards/*.h5"):
    with h5py.File(shard, "r") as s:
        if "rollout/relative_l2_error" not in s:
            continue  # a diverged cell: no rollouts
        i = [h.decode() for h in ex["hash"][:]].index(h if isinstance(h := s.attrs["content_hash"], str) else h.decode())
        row = c[f"results/{ex['group'][i].decode()}/rollout/relative_l2_error"][ex["row"][i]]
        assert np.array_equal(row, s["rollout/relative_l2_error"][...], equal_nan=True), shard
PY
# A signed zero (bits differ, numbers equal) is said as such, not as "a difference of 0 (0 against 0)".
cp a.h5 z.h5 && cp -r a.h5.d z.h5.d
/usr/bin/python3 - <<'PY'
import glob, h5py, numpy as np
for shard in sorted(glob.glob("z.h5.d/shards/*.h5")):
    with h5py.File(shard, "r+") as f:
        if f.attrs["status"] in ("done", b"done"):
            d = f["rollout/relative_l2_error"]; v = d[...]; v[0, 0] = -0.0 if v[0, 0] == 0 else v[0, 0]; d[...] = v
            assert np.signbit(v[0, 0]), "the first error is not zero"
            break
PY
code=0; "$bin" merge a.h5 z.h5 --into zz.h5 2> zero.err || code=$?
[[ $code -eq 2 ]] && grep -q "1 values equal as numbers but not bitwise (e.g. 0 against -0)" zero.err ||
  fail "a signed-zero conflict: exit $code, $(cat zero.err)"
# Copies equal in every dataset but not in a setting or message beside them (issue "Honest
# numbers"): a diverged cell's message, a done cell's /integrator amplitude. Not "equal results".
for change in message amplitude; do
  rm -rf y.h5 y.h5.d && cp a.h5 y.h5 && cp -r a.h5.d y.h5.d
  CHANGE=$change /usr/bin/python3 - <<'PY'
import glob, os, h5py, numpy as np
change = os.environ["CHANGE"]
for shard in sorted(glob.glob("y.h5.d/shards/*.h5")):
    with h5py.File(shard, "r+") as f:
        status = f.attrs["status"].decode() if isinstance(f.attrs["status"], bytes) else f.attrs["status"]
        if change == "message" and status == "diverged":
            f.attrs["message"] = np.bytes_("truth blew up at output step 99")
            break
        if change == "amplitude" and status == "done":
            f["integrator"].attrs["amplitude"] = f["integrator"].attrs["amplitude"] * (1 + 1e-15) + 1e-300
            break
PY
  code=0; "$bin" merge a.h5 y.h5 --into yy.h5 2> attr.err || code=$?
  want=$([[ $change == message ]] && echo "attribute /@message: '.*' against 'truth blew up at output step 99'" || echo "attribute /integrator@amplitude")
  [[ $code -eq 2 ]] && grep -q "$want" attr.err || fail "copies differing in $change: exit $code, $(cat attr.err)"
  [[ ! -e yy.h5 ]] || fail "a merge refused over $change wrote something"
done
echo "ok 3: differing copies refused with the cell and dataset named, nothing written; --prefer takes one; a signed zero said as such; a differing message or integrator attribute too"

# 4. Bad input: exit 2, nothing written.
SWEEP=other.toml sweep 3 other.h5 || [[ $? -eq 1 ]] || fail "the other sweep exited $?"
for args in "a.h5 other.h5 --into bad.h5" "a.h5 b.h5 --into m.h5" "a.h5 ./a.h5 --into bad.h5" "a.h5 nothere.h5 --into bad.h5"; do
  code=0
  "$bin" merge $args 2> bad.err || code=$?
  [[ $code -eq 2 && $(wc -l < bad.err) -eq 1 ]] || { cat bad.err; fail "merge $args: exit $code, expected 2 and one line"; }
  [[ ! -e bad.h5 && ! -e bad.h5.d ]] || fail "merge $args wrote something"
  echo "  merge $args: $(cat bad.err)"
done
echo "ok 4: different sweep names, an existing --into, a store given twice, no store: exit 2, nothing written"

# 5. kill -9 (a crash point) while copying shards, then after the sidecar is in place.
code=0
NPDESWEEP_CRASH_POINT=merge:3 "$bin" merge a.h5 b.h5 --into k.h5 --sweep "$smoke" > /dev/null 2>&1 || code=$?
[[ $code -ne 0 && ! -e k.h5 && ! -e k.h5.d ]] || fail "killed mid-copy: exit $code, $(ls -d k.h5* 2> /dev/null | xargs)"
"$bin" merge a.h5 b.h5 --into k.h5 --sweep "$smoke" > /dev/null || fail "merging again after the kill exited $?"
[[ ! -e k.h5.merging.d ]] || fail "the staging sidecar of the killed merge is left behind"
same_cells k.h5 ref.h5 > cmp.out && same_cells ref.h5 k.h5 > cmp.out || fail "merge after a kill differs: $(cat cmp.out)"
code=0
NPDESWEEP_CRASH_POINT=merge:-1 "$bin" merge a.h5 b.h5 --into k2.h5 --sweep "$smoke" > /dev/null 2>&1 || code=$?
[[ $code -ne 0 && -d k2.h5.d && -e k2.h5.d/rebuilding ]] || fail "killed after the rename: exit $code"
code=0
"$bin" query k2.h5 > /dev/null 2> read.err || code=$?
[[ $code -eq 4 ]] || { cat read.err; fail "a reader of a half-merged store exited $code, expected 4 (being rebuilt)"; }
code=0
"$bin" merge a.h5 b.h5 --into k2.h5 2> again.err || code=$?
[[ $code -eq 2 ]] && grep -q "npdesweep repair k2.h5" again.err || { cat again.err; fail "merging into a half-merged store: exit $code"; }
"$bin" repair k2.h5 > repair.out || { cat repair.out; fail "repair of a half-merged store exited $?"; }
same_cells ref.h5 k2.h5 > cmp.out && same_cells k2.h5 ref.h5 > cmp.out || fail "the repaired merge differs: $(cat cmp.out)"
echo "ok 5: killed while copying (merge again) and after the rename (repair): equal to the uninterrupted merge"
echo "merge: all checks passed"
