#!/usr/bin/env bash
# Truth computed once per sweep (docs/store.md, "Truth cache"): cells that share their truth
# compute it once (counted), the store equals one made without the cache, bitwise; a later run
# reuses every entry; a damaged entry is detected by its checksum and recomputed; a sweep killed
# at random moments resumes to the same store with the cache it left.
source "$(dirname "$0")/common.sh"
# One worker (2 ranks), so who computes first is fixed. The smoke sweep per resolution: the
# backward1 cells share 2 trajectories (the training IC is also a test IC) and 4 truth-map
# spectra (2 test ICs x 2 states); forward1's truth blows up and is not kept. So 2 x 6 entries
# computed; reused: in each resolution's first cell 1 (the training IC again as a test IC), in
# its second 7.
mpirun -np 2 "$bin" run "$smoke" --store cached.h5 > cached.log 2>&1 || [[ $? -eq 1 ]] || fail "the cached run exited $?"
grep -q "truth cache: 12 truth results computed and kept, 16 reused" cached.log ||
  fail "truth cache counts: $(grep truth cached.log)"
[[ $(ls cached.h5.d/truth | wc -l) -eq 12 ]] || fail "the cache holds $(ls cached.h5.d/truth | wc -l) entries, not 12"
sweep 2 fresh.h5 --no-truth-cache || [[ $? -eq 1 ]] || fail "the run without cache exited $?"
[[ ! -e fresh.h5.d/truth ]] || fail "--no-truth-cache wrote a cache"
same_results cached.h5 fresh.h5 || fail "the store made with the cache differs from one made without"
echo "ok   12 truth results computed once, 16 reused; store bitwise equal to one computed without the cache"

# A later run with the same cache computes nothing (a store made anew, the cache copied in).
mkdir -p again.h5.d && cp -r cached.h5.d/truth again.h5.d/
mpirun -np 2 "$bin" run "$smoke" --store again.h5 > again.log 2>&1 || [[ $? -eq 1 ]] || fail "the rerun exited $?"
grep -q "truth cache: 0 truth results computed and kept, 28 reused" again.log || fail "rerun: $(grep truth again.log)"
same_results cached.h5 again.h5 || fail "the store made from the cache differs"
echo "ok   a run on a full cache computes no truth, same store"

# A damaged entry (one flipped byte in its numbers) fails its checksum and is recomputed.
entry=$(ls -S again.h5.d/truth/* | head -1)
mkdir -p damaged.h5.d && cp -r cached.h5.d/truth damaged.h5.d/
entry=damaged.h5.d/truth/$(basename "$entry")
size=$(stat -c %s "$entry")
printf '\x5a' | dd of="$entry" bs=1 seek=$((size / 2)) conv=notrunc status=none
mpirun -np 2 "$bin" run "$smoke" --store damaged.h5 > damaged.log 2>&1 || [[ $? -eq 1 ]] || fail "the damaged run exited $?"
grep -q "truth cache: 1 truth results computed and kept, 27 reused from other cells or runs, 1 damaged entries recomputed" \
  damaged.log || fail "damaged entry: $(grep truth damaged.log)"
same_results cached.h5 damaged.h5 || fail "a damaged cache entry changed the store"
cmp -s "$entry" "cached.h5.d/truth/$(basename "$entry")" || fail "the damaged entry was not rewritten"
echo "ok   a damaged entry is detected, recomputed and rewritten; store unchanged"

# kill -9 at seeded random moments of a sweep whose cells share truth, then resume (cache on):
# the store equals the uninterrupted run's, every cell committed once.
export SWEEP=$src/tests/mpi/slow-smoke.toml
sweep 3 reference.h5 --no-truth-cache || fail "the reference run exited $?"
RANDOM=${TRUTH_CACHE_SEED:-1}
for k in 1 2 3; do
  kill_sweep_after "$(printf '0.%d' $((RANDOM % 9 + 1)))" 3 killed.h5
done
sweep 3 killed.h5 || fail "resuming after the kills exited $?"
same_results reference.h5 killed.h5 || fail "the store killed 3 times and resumed with its cache differs"
[[ $(journal_ids killed.h5 | wc -l) -eq 12 && $(journal_ids killed.h5 | sort -u | wc -l) -eq 12 ]] ||
  fail "journal: not one commit per cell"
echo "ok   kill -9 x3 with the cache in use: resumed store equal to an uncached run, every cell committed once"
