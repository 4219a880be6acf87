#!/usr/bin/env bash
# One store whoever and whatever reaches it (issue "Nothing lost", items 2, 3 and 5):
#   1. through symbolic links (a file link, a directory link, a dangling link to the store to be
#      made): one sidecar, one lock; a second run through another path is refused (exit 2)
#      while the first holds the store; status, query, repair and merge read through the links;
#   2. two merges into one --into at once, ten times: one writes the store, the other exits 2
#      with nothing written, and the store is whole (every committed cell has its shard);
#      status never counts a committed cell whose row and shard are both gone as done, and
#      repair names a present row whose shard is gone;
#   3. a store shared by a group: a run under umask 002 leaves its sidecar group-writable, as
#      the .h5 file is; a user who cannot write the sidecar gets exit 2 and what to do.
source "$(dirname "$0")/common.sh"

# 1. Symbolic links.
mkdir -p data/real
ln -s data dlink
ln -s real/s.h5 data/l.h5  # dangling until the store is made
sweep 3 data/l.h5 || [[ $? -eq 1 ]] || fail "the run through a dangling link exited $?"
[[ -f data/real/s.h5 && -d data/real/s.h5.d && ! -e data/l.h5.d ]] ||
  fail "the store through a link: $(find data | sort | xargs)"
[[ -L data/l.h5 ]] || fail "the link was replaced by a file"
sed 's/^epochs = .*/epochs = 3000/' "$smoke" > slow.toml  # the same sweep name: it grows the store
mpirun -np 2 "$bin" run slow.toml --store data/l.h5 --quiet > first.out 2>&1 & first=$!
for _ in $(seq 1200); do  # until the first run holds the store's lock (up to 120 s)
  flock -n data/real/s.h5.d/lock true 2> /dev/null || break
  kill -0 $first 2> /dev/null || break
  sleep 0.1
done
code=0
mpirun -np 2 "$bin" run slow.toml --store dlink/real/s.h5 --quiet > second.out 2>&1 || code=$?
wait $first || [[ $? -eq 1 ]] || fail "the first run through the link exited $?: $(cat first.out)"
[[ $code -eq 2 ]] && grep -q "being written by another run" second.out ||
  fail "a second run on the same store through another path: exit $code, $(cat second.out)"
[[ $(find . -name '*.h5.d' -type d | grep -v '/shards' | wc -l) -eq 1 ]] || fail "more than one sidecar: $(find . -name '*.h5.d')"
for path in data/l.h5 dlink/l.h5 dlink/real/s.h5; do
  "$bin" status "$path" > st.out || [[ $? -eq 1 ]] || fail "status $path exited $?: $(cat st.out)"
  grep -q "cells 8:" st.out || fail "status $path: $(cat st.out)"
  "$bin" query "$path" --metric rollout_error > /dev/null || fail "query $path exited $?"
done
"$bin" repair dlink/l.h5 > repair.out || fail "repair through links exited $?: $(cat repair.out)"
"$bin" merge dlink/l.h5 --into merged-link.h5 > merge.out || fail "merge through links exited $?: $(cat merge.out)"

# 2. Racing merges.
sed 's/^resolution = .*/resolution = [16]/' "$smoke" > half16.toml
sed 's/^resolution = .*/resolution = [24]/' "$smoke" > half24.toml
SWEEP=half16.toml sweep 3 a.h5 || [[ $? -eq 1 ]] || fail "the resolution-16 half exited $?"
SWEEP=half24.toml sweep 3 b.h5 || [[ $? -eq 1 ]] || fail "the resolution-24 half exited $?"
wins=0 refused=0
for try in $(seq 10); do
  into=race$try.h5
  "$bin" merge a.h5 b.h5 --into $into --sweep "$smoke" > m1.out 2>&1 & one=$!
  "$bin" merge a.h5 b.h5 --into $into --sweep "$smoke" > m2.out 2>&1 & two=$!
  c1=0; wait $one || c1=$?
  c2=0; wait $two || c2=$?
  codes="$c1 $c2"
  [[ $codes == "0 2" || $codes == "2 0" ]] || fail "try $try: two merges into one store exited $codes: $(cat m1.out m2.out)"
  loser=m2.out; [[ $c1 -eq 2 ]] && loser=m1.out
  grep -q "another merge into it is running\|exists" $loser || fail "try $try: the losing merge said: $(cat $loser)"
  [[ $codes == "0 2" ]] && wins=$((wins + 1)) || refused=$((refused + 1))
  "$bin" status $into > st.out || [[ $? -eq 1 ]] || fail "try $try: status of the merged store exited $?"
  grep -q "cells 8: .* 0 pending" st.out || fail "try $try: the merged store: $(cat st.out)"
  [[ $(journal_ids $into | wc -l) -eq 8 && $(ls $into.d/shards | wc -l) -eq 8 ]] ||
    fail "try $try: $(journal_ids $into | wc -l) committed, $(ls $into.d/shards | wc -l) shards"
  [[ ! -e $into.merging.d ]] || fail "try $try: the staging directory was left: $(ls -R $into.merging.d)"
  [[ $(grep -c "^#   " $into.d/provenance) -eq 2 ]] || fail "try $try: provenance: $(cat $into.d/provenance)"
done
# A committed cell with neither row nor shard is not done; a present row without its shard is named.
cp -r race1.h5 lost.h5 && cp -r race1.h5.d lost.h5.d
rm lost.h5.d/shards/0-*
/usr/bin/python3 -c 'import h5py; f = h5py.File("lost.h5", "r+"); f["status/code"][0] = 0'  # the file shows cell 0 pending
"$bin" status lost.h5 > st.out 2>&1 || [[ $? -eq 1 ]] || fail "status of a store with a lost cell exited $?: $(cat st.out)"
grep -q "cells 8: .* 1 pending" st.out && grep -q "1 committed cells have neither a row in the file nor a shard" st.out ||
  fail "status counts a lost cell as finished: $(cat st.out)"
cp -r race1.h5 rowonly.h5 && cp -r race1.h5.d rowonly.h5.d
rm rowonly.h5.d/shards/1-*
code=0; "$bin" repair rowonly.h5 > rep.out || code=$?
[[ $code -eq 1 ]] && grep -q "cell 1: its row is in the file but its shard is missing" rep.out ||
  fail "repair of a present row without its shard: exit $code, $(cat rep.out)"

# 3. A store shared by a group.
(umask 002 && SWEEP=half16.toml sweep 3 group.h5) || [[ $? -eq 1 ]] || fail "the run under umask 002 exited $?"
writable=$(find group.h5 group.h5.d \( -type f -o -type d \) ! -perm -g+w | grep -v "^$" || true)
[[ -z $writable ]] || fail "not group-writable under umask 002: $writable"
(umask 022 && SWEEP=half16.toml sweep 3 private.h5) || [[ $? -eq 1 ]] || fail "the run under umask 022 exited $?"
[[ -z $(find private.h5.d -perm -g+w) ]] || fail "umask 022 should leave no group write: $(find private.h5.d -perm -g+w)"
# A permission error is bad input for that user (exit 2, with what to do), not a failing file
# system (exit 4, which batch scripts requeue): injected, and for real as another user.
code=0
NPDESWEEP_IO_FAULT=open:EACCES:1:lock mpirun -np 2 "$bin" run half16.toml --store private.h5 --quiet > perm.out 2>&1 || code=$?
[[ $code -eq 2 ]] && grep -q "Permission denied (you may not write here" perm.out ||
  fail "a lock file the user may not open: exit $code (expected 2), $(cat perm.out)"
real_user=skipped
if id nobody > /dev/null 2>&1 && command -v setpriv > /dev/null &&
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin" status private.h5 > /dev/null 2>&1; then
  code=0
  setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp "$bin" repair private.h5 > perm.out 2>&1 || code=$?
  [[ $code -eq 2 ]] && grep -q "Permission denied (you may not write here" perm.out ||
    fail "repair by a user who cannot write the store: exit $code (expected 2), $(cat perm.out)"
  real_user=checked
fi
echo "sweep_shared_paths: one store through 3 paths (second run refused), 10 racing merge pairs ($wins won by the first, $refused by the second, each loser exit 2), lost shards said, umask honoured, permission error exit 2 (as another user: $real_user)"
