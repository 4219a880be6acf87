#!/usr/bin/env bash
# Rank 0 alone reads the sweep file and sends its canonical text to the other ranks (issue 23,
# part 4): a sweep on stdin (which mpirun gives rank 0 only) runs, and ranks launched on
# different sweep files (MPMD; on a cluster, a file edited while the job queued, or a stale
# NFS cache on one node) all run rank 0's sweep, with nothing hanging in the store's creation.
source "$(dirname "$0")/common.sh"
code=0; timeout 120 mpirun -np 3 "$bin" run /dev/stdin --store stdin.h5 --quiet < "$smoke" || code=$?
[[ $code -eq 0 ]] || fail "a sweep on stdin exited $code (124: hung)"
sweep 3 ref.h5 || fail "the smoke sweep exited $?"
same_results ref.h5 stdin.h5 || fail "the sweep read from stdin differs from the file's"
sed 's/^resolution = .*/resolution = [16]/' "$smoke" > other.toml
! cmp -s other.toml "$smoke" || fail "other.toml is the smoke sweep unchanged"
code=0
timeout 120 mpirun -np 1 "$bin" run "$smoke" --store mpmd.h5 --quiet : -np 2 "$bin" run other.toml --store mpmd.h5 --quiet ||
  code=$?
[[ $code -eq 0 ]] || fail "ranks launched on different sweep files exited $code (124: hung)"
same_results ref.h5 mpmd.h5 || fail "ranks launched on different sweep files did not run rank 0's sweep"
echo "ok: a sweep on stdin, and workers launched on another sweep file, run rank 0's sweep"
