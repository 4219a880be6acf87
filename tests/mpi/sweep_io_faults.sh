#!/usr/bin/env bash
# Faults at every durable step of a real `run`, injected through the I/O seam
# (NPDESWEEP_IO_FAULT, docs/store.md): ENOSPC, EIO, a short write and a failing fsync at the
# shard write, shard rename, shard fsync, directory fsync, journal creation and append, HDF5
# store creation and row write, the lock file and the sweep.toml copy. Each faulty run must exit
# non-zero with a message naming the call and the path; the resume without the fault must give
# the uninterrupted store, with no committed cell lost and none committed twice.
# The last line is the table the issue asks for: faults, outcomes, cells lost.
source "$(dirname "$0")/common.sh"
sweep 3 ref.h5 || fail "reference run exited $?"
cells=$(journal_ids ref.h5 | wc -l)

# label | NPDESWEEP_IO_FAULT | what the message must contain
# Counts are per process. A done smoke cell makes 20 row writes under /results/, so the 25th
# falls in a worker's second done cell whatever the schedule (4 done cells on 2 workers).
cases=(
  "shard write ENOSPC|write:ENOSPC:1:shards/|write failed for '[^']*shards/"
  "shard write EIO|write:EIO:2:shards/|write failed for '[^']*shards/"
  "shard short write|short-write:ENOSPC:1:shards/|write failed for '[^']*shards/"
  "shard rename EIO|rename:EIO:1:shards/|rename failed for '[^']*shards/"
  "shard fsync EIO|fsync:EIO:1:shards/|fsync failed for '[^']*shards/"
  "shard directory fsync EIO|fsync-dir:EIO:2:shards|fsync failed for '[^']*shards"
  "journal creation ENOSPC|write:ENOSPC:1:journal|write failed for '[^']*journal"
  "journal append ENOSPC|write:ENOSPC:3:journal|write failed for '[^']*journal"
  "journal append short write|short-write:EIO:2:journal|write failed for '[^']*journal"
  "journal append fsync EIO|fsync:EIO:4:journal|fsync failed for '[^']*journal"
  "store creation ENOSPC|h5-create:ENOSPC|H5Fcreate failed for '[^']*\.h5'"
  "store creation EIO|h5-create:EIO|H5Fcreate failed for '[^']*\.h5'"
  "store table write EIO|h5-write:EIO:2:/experiments/|H5Dwrite failed for '/experiments/"
  "HDF5 row write EIO|h5-write:EIO:25:/results/|H5Dwrite failed for '/results/"
  "HDF5 row status write ENOSPC|h5-write:ENOSPC:2:status/code|H5Dwrite failed for '/status/code"
  "lock file open EACCES|open:EACCES:1:lock|open failed for '[^']*lock'"
  "lock file flock EIO|flock:EIO|flock failed for '[^']*lock'"
  "lock file ftruncate EIO|ftruncate:EIO:1:lock|ftruncate failed for '[^']*lock'"
  "lock file write ENOSPC|write:ENOSPC:1:lock|write failed for '[^']*lock'"
  "sweep.toml copy ENOSPC|write:ENOSPC:1:sweep.toml|write failed for '[^']*sweep.toml"
  "sweep.toml fsync EIO|fsync:EIO:1:sweep.toml|fsync failed for '[^']*sweep.toml"
)

table="" lost_total=0 n=0
for entry in "${cases[@]}"; do
  IFS='|' read -r label spec pattern <<< "$entry"
  n=$((n + 1)); store=f$n.h5
  code=0
  NPDESWEEP_IO_FAULT=$spec timeout 120 mpirun -np 3 "$bin" run "$smoke" --store $store --quiet 2> f$n.err || code=$?
  [[ $code -ne 0 && $code -ne 124 ]] || { cat f$n.err; fail "$label: the faulty run exited $code (124: hung)"; }
  grep -q "$pattern" f$n.err || { cat f$n.err; fail "$label: no message matching \"$pattern\""; }
  committed=$( [[ -f $store.d/journal ]] && journal_ids $store | sort -n | tr '\n' ' ' || true)
  code2=0
  timeout 120 mpirun -np 3 "$bin" run "$smoke" --store $store --quiet 2> f$n.resume || code2=$?
  [[ $code2 -eq 0 ]] || { cat f$n.resume; fail "$label: the resume exited $code2"; }
  same_results ref.h5 $store || fail "$label: the resumed store differs from the uninterrupted one"
  ids=$(journal_ids $store | sort -n)
  [[ $(echo "$ids" | wc -l) -eq $cells && $(echo "$ids" | uniq | wc -l) -eq $cells ]] ||
    fail "$label: the journal holds $(echo "$ids" | wc -l) records for $cells cells (a cell committed twice)"
  lost=0
  for id in $committed; do  # committed before the fault: must not have been run again
    [[ $(journal_ids $store | grep -cx "$id") -eq 1 ]] || lost=$((lost + 1))
  done
  lost_total=$((lost_total + lost))
  table+=$(printf '\n  %-32s %-34s exit %d, resumed to the same store; %d committed before, %d lost' \
    "$label" "$spec" $code $(echo $committed | wc -w) $lost)
done
# Readers: an I/O error is not bad input. status, query and summarize exit 4 (not 2) and say so.
for cmd in status query summarize; do
  code=0; NPDESWEEP_IO_FAULT=h5-open:EIO "$bin" $cmd ref.h5 > /dev/null 2> r.err || code=$?
  [[ $code -eq 4 ]] && grep -q "Input/output error.*an I/O error, not bad input" r.err ||
    { cat r.err; fail "$cmd on a store it cannot read (EIO) exited $code, expected 4"; }
  n=$((n + 1))
  table+=$(printf '\n  %-32s %-34s exit %d (a reader: nothing to resume)' "$cmd, open EIO" "h5-open:EIO" $code)
done
echo "faults injected: $n$table"
[[ $lost_total -eq 0 ]] || fail "$lost_total committed cells lost or committed again"
echo "ok: $n faults at durable steps, every run stopped with a message naming call and path, every store resumed to the uninterrupted result, 0 cells lost"
