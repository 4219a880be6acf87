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

# Forged journal lines with valid checksums. Records naming no cell of the store (an id out of
# range, another content hash) are ignored by status as by run: the count stays 8 (status used
# to say "10 cells committed" for an 8-cell store). A duplicate line that makes a done cell
# "failed" is the journal's word: status counts the cell failed and says the file disagrees
# (it used to show "0 failed" while `run --retry-failed` recomputed the cell), and after
# --retry-failed both agree again.
restore
cells=$(grep -o '^cells [0-9]*' before.txt | awk '{print $2}')
read -r -a codes <<< "$(status_codes s.h5)"
done_cell=-1
for i in "${!codes[@]}"; do [[ ${codes[$i]} == 1 ]] && { done_cell=$i; break; }; done
(( done_cell >= 0 )) || fail "the smoke sweep has no done cell"
other=$(( done_cell == 0 ? 1 : 0 ))
/usr/bin/python3 - s.h5.d/journal "$cells" "$done_cell" "$other" <<'PY'
import sys
import zlib
path, cells, done_cell, other = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
records = [line.split() for line in open(path).read().splitlines()[1:]]
hash_of = {int(r[0]): r[1] for r in records}
def line(fields):
    return fields + " %08x\n" % zlib.crc32(fields.encode())
with open(path, "a") as journal:
    journal.write(line(f"{cells} {hash_of[done_cell]} done"))        # out of range
    journal.write(line(f"{cells + 1} 0123456789abcdef done"))        # out of range, unknown hash
    journal.write(line(f"{other} 0123456789abcdef done"))            # a cell's id with another hash
    journal.write(line(f"{done_cell} {hash_of[done_cell]} failed"))  # a duplicate: done, then failed
PY
"$bin" status s.h5 > forged.txt
grep -q "^journal: $cells cells committed$" forged.txt || fail "forged journal lines: $(grep '^journal' forged.txt | head -1)"
grep -q "^journal: 3 record(s) name no cell of this store" forged.txt || fail "forged records not reported: $(cat forged.txt)"
read -r done_before diverged_before failed_before <<< \
  "$(grep '^cells' before.txt | sed -E 's/.*: ([0-9]+) done, ([0-9]+) diverged, ([0-9]+) failed.*/\1 \2 \3/')"
expected="cells $cells: $((done_before - 1)) done, $diverged_before diverged, $((failed_before + 1)) failed, 0 pending"
grep -q "^$expected" forged.txt || fail "status does not count the journal's failed cell: $(grep '^cells' forged.txt)"
grep -q "^journal: cell $done_cell: the journal says failed, the file done" forged.txt || fail "the disagreement is not shown"
"$bin" status s.h5 --format json | /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["counts"]["failed"] == '$((failed_before + 1))' and j["journal"]["records_of_no_cell"] == 3, j
assert j["journal"]["disagreements_with_file"] == ["cell '$done_cell': the journal says failed, the file done"], j' ||
  fail "status --format json on forged journal lines"
code=0; mpirun -np 3 "$bin" run "$smoke" --store s.h5 --quiet || code=$?
[[ $code -eq 1 ]] || fail "run with a journaled failed cell: exit $code, expected 1 (failed cells remain)"
sweep 3 s.h5 --retry-failed || fail "--retry-failed exited $?"
"$bin" status s.h5 > retried.txt
diff <(grep "^cells" before.txt) <(grep "^cells" retried.txt) > /dev/null || fail "after --retry-failed: $(grep '^cells' retried.txt)"
grep -q "the journal says" retried.txt && fail "journal and file still disagree after --retry-failed"
same_results s.keep.h5 s.h5 || fail "the retried cell differs from its first run"
echo "ok: forged journal records are ignored by status as by run; a journaled failure counts and is retried"
