#!/usr/bin/env bash
# A damaged or lost HDF5 file is rebuilt from the journal and shards, by `repair` (one process,
# no compute) and by a resumed `run`; the result equals the original store.
source "$(dirname "$0")/common.sh"
sweep 3 reference.h5 || fail "reference run exited $?"
cp -r reference.h5 work.h5 && cp -r reference.h5.d work.h5.d
truncate -s 3000 work.h5
"$bin" repair work.h5 > out.txt || fail "repair of a truncated file exited $?"
grep -q "8 rows rewritten" out.txt || { cat out.txt; fail "repair did not rewrite 8 rows"; }
same_results reference.h5 work.h5 || fail "repaired store differs"
rm work.h5
"$bin" repair work.h5 > /dev/null || fail "repair of a deleted file exited $?"
same_results reference.h5 work.h5 || fail "store rebuilt from nothing differs"
"$bin" repair work.h5 | grep -q "0 rows rewritten" || fail "repair of a healthy store rewrote rows"
# run also notices a damaged file, rebuilds it, and computes nothing new
printf 'garbage' > work.h5
sweep 3 work.h5 2> /dev/null || fail "run on a damaged store exited $?"
same_results reference.h5 work.h5 || fail "run-rebuilt store differs"
[[ $(journal_ids work.h5 | wc -l) -eq 8 ]] || fail "cells ran again"
code=0; "$bin" repair nothere.h5 2> err.txt || code=$?
[[ $code -eq 2 ]] && grep -q "is not a sweep store" err.txt || fail "repair of a non-store: exit $code $(cat err.txt)"
echo "sweep_repair: all checks passed"
