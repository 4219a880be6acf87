#!/usr/bin/env bash
# status, query and plot-store on the smoke store: values recomputed from the datasets, every
# format parsed, bad input refused (check_query.py); and status/query on a store held by a
# running sweep work and leave its bytes unchanged.
source "$(dirname "$0")/common.sh"
sweep 3 s.h5 || fail "making the store exited $?"
/usr/bin/python3 "$src/tests/mpi/check_query.py" "$bin" s.h5 "$src" || fail "check_query.py failed"

# A running sweep's store: status and query read it while the writer holds the lock.
export SWEEP=$src/tests/mpi/slow-smoke.toml
mpirun -np 3 "$bin" run "$SWEEP" --store live.h5 --quiet &
pid=$!
for _ in $(seq 50); do [[ -s live.h5.d/journal ]] && grep -q ' done ' live.h5.d/journal 2>/dev/null && break; sleep 0.1; done
"$bin" status live.h5 > status.txt || fail "status on a running sweep exited $?"
grep -q "cells 12:" status.txt || fail "status on a running sweep: $(cat status.txt)"
"$bin" query live.h5 --group-by infer_stencil --stat count > /dev/null || fail "query on a running sweep exited $?"
wait $pid || fail "the sweep exited $?"

# A finished store held under the lock (as by a sweep): bytes unchanged by status and query.
# bash explicitly: flock -c runs $SHELL, which CI leaves unset (then /bin/sh, dash).
flock live.h5.d/lock bash -c "
  sum=\$(cat live.h5 live.h5.d/journal | md5sum)
  '$bin' status live.h5 > /dev/null && '$bin' query live.h5 --pivot > /dev/null && '$bin' query live.h5 --list > /dev/null
  [[ \$(cat live.h5 live.h5.d/journal | md5sum) == \"\$sum\" ]]" || fail "status/query changed a locked store"

# A killed sweep's journal can end in a torn commit: status reports it and changes nothing.
printf '7 0123456789abcdef do' >> live.h5.d/journal
sum=$(cat live.h5 live.h5.d/journal | md5sum)
"$bin" status live.h5 > torn.txt || fail "status on a torn journal exited $?"
grep -q "1 trailing line(s) torn" torn.txt || fail "status did not report the torn line: $(cat torn.txt)"
[[ $(cat live.h5 live.h5.d/journal | md5sum) == "$sum" ]] || fail "status changed a store with a torn journal"
echo "sweep_query: all checks passed"
