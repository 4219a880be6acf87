#!/usr/bin/env bash
# A FIFO, device or socket in place of one of the store's files (FILE.h5.d/journal, lock,
# history/0.toml, sweep.toml, a truth-cache entry) must not hang any tool: opening a FIFO
# blocks until a writer comes, which on a cluster means until SLURM kills the job. Each tool
# refuses such a file by name (exit 4: the file system is not as the store left it) or, for a
# truth-cache entry, treats it as damaged and recomputes it; nothing finished is lost.
source "$(dirname "$0")/common.sh"
sweep 3 s.h5 || fail "the smoke sweep exited $?"
"$bin" status s.h5 > before.txt
cp -a s.h5 s.keep.h5 && cp -a s.h5.d s.keep.d
restore() { rm -rf s.h5 s.h5.d; cp -a s.keep.h5 s.h5; cp -a s.keep.d s.h5.d; }
for file in journal lock sweep.toml; do
  restore
  rm -f "s.h5.d/$file" && mkfifo "s.h5.d/$file"
  for tool in status repair; do
    code=0; timeout 20 "$bin" $tool s.h5 > out.txt 2>&1 || code=$?
    [[ $code -ne 124 ]] || fail "$tool hangs on a FIFO as $file"
    if [[ $code -ne 0 ]]; then
      [[ $code -eq 4 ]] && grep -q "s.h5.d/$file.*not a regular file" out.txt ||
        fail "$tool on a FIFO as $file: exit $code, $(head -2 out.txt)"
    fi
  done
  code=0; timeout 30 mpirun -np 3 "$bin" run "$smoke" --store s.h5 --quiet > out.txt 2>&1 || code=$?
  [[ $code -eq 4 ]] && grep -q "s.h5.d/$file.*not a regular file" out.txt ||
    fail "run on a FIFO as $file: exit $code (124: hung), $(grep -v '^$' out.txt | head -2)"
done
echo "ok: journal, lock and sweep.toml as FIFOs: status, repair and run end at once"

# A truth-cache entry that is a FIFO is damaged: recomputed, and the cells are the same.
restore
rm -rf s.h5 s.h5.d/journal s.h5.d/shards s.h5.d/lock
for entry in s.h5.d/truth/*.bin; do rm -f "$entry" && mkfifo "$entry"; done
code=0; timeout 120 mpirun -np 3 "$bin" run "$smoke" --store s.h5 --quiet > out.txt 2>&1 || code=$?
[[ $code -eq 0 ]] || fail "run with FIFOs as truth-cache entries exited $code (124: hung): $(head -3 out.txt)"
"$bin" status s.h5 > after.txt
[[ $(grep -c "cells 8: " after.txt) -eq 1 ]] && diff <(grep "^cells" before.txt) <(grep "^cells" after.txt) > /dev/null ||
  fail "the rerun's statuses differ: $(grep '^cells' before.txt) / $(grep '^cells' after.txt)"
for entry in s.h5.d/truth/*.bin; do [[ -f $entry ]] || fail "$entry is still not a regular file"; done
echo "ok: FIFOs as truth-cache entries are recomputed and replaced"
