#!/usr/bin/env bash
# Hostile files and options against a finished store (issue 23, part 4).
#
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

# A lock file holding escape codes and newlines is not printed raw by status.
restore
printf 'host\033[31mRED\nforged line\a' > s.h5.d/lock
"$bin" status s.h5 > status.txt
grep -q 'last writer: host\\x1b\[31mRED (and more lines)' status.txt || fail "status printed the lock as: $(grep 'last writer' status.txt | cat -v)"
! grep -q $'\033' status.txt || fail "status sent an escape code to the terminal"
echo "ok: a lock with escape codes and newlines is shown escaped, first line only"

# --where thresholds no value can pass are refused, not silently empty.
for where in 'rollout_error<nan' 'rollout_error>=nan' 'rollout_error>inf' 'max_lambda<-inf'; do
  code=0; "$bin" query s.h5 --where "$where" --metric rollout_error > out.txt 2>&1 || code=$?
  [[ $code -eq 2 ]] && grep -q "no value is" out.txt || fail "--where $where: exit $code, $(head -1 out.txt)"
done
"$bin" query s.h5 --where 'rollout_error<inf' --metric rollout_error > /dev/null || fail "--where rollout_error<inf refused"
"$bin" query s.h5 --where 'rollout_error>=inf' --metric rollout_error > /dev/null || fail "--where rollout_error>=inf refused"
echo "ok: --where with nan, >inf or <-inf is refused (exit 2); <inf and >=inf are kept"

# A shard whose datasets do not fit its cell's row, or that claims a schema from the future, is
# damaged: repair names it and exits 1 (its other rows rebuilt), and run computes the cell again
# instead of failing in the middle of writing it (it used to exit 4 on every rerun).
damage() {  # damage SHARD KIND
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
import h5py
import numpy as np
path, kind = sys.argv[1], sys.argv[2]
with h5py.File(path, "r+") as f:
    if kind == "schema":
        f.attrs["schema_version"] = np.int64(99)
    else:
        name, shape = {"weights": ("weights/final", (100000,)), "loss": ("training/loss", (50,)),
                       "error": ("rollout/relative_l2_error", (3, 31))}[kind]
        del f[name]
        f[name] = np.zeros(shape)
PY
}
for kind in weights loss error schema; do
  restore
  shard=$(ls s.h5.d/shards/0-*.h5)
  damage "$shard" $kind
  rm -f s.h5
  code=0; timeout 60 "$bin" repair s.h5 > repair.txt 2>&1 || code=$?
  [[ $code -eq 1 ]] && grep -q "cell 0: its shard .*\(more than its cell's\|schema version 99\)" repair.txt ||
    fail "repair with a shard damaged ($kind): exit $code, $(tail -2 repair.txt)"
  code=0; timeout 60 mpirun -np 3 "$bin" run "$smoke" --store s.h5 --quiet > run.txt 2>&1 || code=$?
  [[ $code -eq 0 ]] || fail "run with a shard damaged ($kind): exit $code, $(grep -v '^$' run.txt | head -3)"
  diff <(grep "^cells" before.txt) <(grep "^cells" <("$bin" status s.h5)) > /dev/null ||
    fail "after rerunning the damaged ($kind) cell: $("$bin" status s.h5 | grep '^cells')"
done
echo "ok: shards with oversized datasets or schema 99 are damaged: repair names them, run recomputes them"
