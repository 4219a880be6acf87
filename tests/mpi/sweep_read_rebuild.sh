#!/usr/bin/env bash
# Readers do not depend on timing (docs/store.md, "Reading during a run"): while a run rebuilds
# the store's file (growth here) readers wait for it, and say "being rebuilt" with exit 4 when
# they wait longer than NPDESWEEP_REBUILD_WAIT; they never exit 2 ("bad input") for a file in
# the middle of a rebuild. A rebuild cut short (its mark names a process that is gone) is said at
# once, and the next run finishes it.
source "$(dirname "$0")/common.sh"
sed -e 's/^name = "smoke"/name = "rebuild"/' -e 's/^resolution = .*/resolution = [16]/' "$smoke" > a.toml
sed -e 's/^resolution = .*/resolution = [16, 24]/' a.toml > b.toml
sed -e 's/^resolution = .*/resolution = [16, 24, 32]/' a.toml > c.toml
SWEEP=a.toml sweep 2 s.h5 || [[ $? -eq 1 ]] || fail "the first sweep crashed"

# 1. Readers in a loop while the store grows: every exit is 0 (or 4, said as a rebuild). How many
#    reads fall inside the rebuild depends on the machine's speed, so no count is asserted here;
#    part 2 holds a rebuild open and reads it deterministically.
(
  for _ in $(seq 400); do
    for command in "query s.h5 --pivot" "export s.h5" "status s.h5"; do
      code=0; "$bin" $command > out.txt 2> err.txt || code=$?
      echo "$code $command: $(head -c 300 err.txt | tr "\n" " ")" >> codes.txt
    done
    [[ -e stop ]] && break
  done
) &
reader=$!
sleep 0.5
SWEEP=b.toml sweep 2 s.h5 || [[ $? -eq 1 ]] || fail "growing to b exited $?"
touch stop; wait $reader
reads=$(wc -l < codes.txt)
((reads >= 1)) || fail "the readers never ran"
bad=$(awk '$1 != 0 && !($1 == 4 && /being rebuilt/)' codes.txt)
[[ -z $bad ]] || fail "a reader failed during a rebuild: $(echo "$bad" | head -3)"
[[ ! -e s.h5.d/rebuilding ]] || fail "the rebuild mark outlived the run"
"$bin" status s.h5 > before.txt || fail "status after growing to b exited $?"
grep -q "cells 8:" before.txt || fail "the store grown to b: $(cat before.txt)"

# 2. A rebuild held open: NPDESWEEP_PAUSE_POINT=rebuild stops the run (SIGSTOP) once the new file
#    exists and before any finished row is back, the state in which a reader that did not wait
#    would see every finished cell as pending. Readers that cannot wait long enough say so (exit 4);
#    readers that wait read the finished cells once the run goes on.
SWEEP=c.toml NPDESWEEP_PAUSE_POINT=rebuild sweep 2 s.h5 > grow.txt 2>&1 & run=$!
stopped=""
for _ in $(seq 1200); do  # up to 120 s for the run to reach its pause point
  if [[ -e s.h5.d/rebuilding ]]; then
    pid=$(awk '{print $4}' s.h5.d/rebuilding 2> /dev/null || true)
    [[ -n $pid ]] && [[ $(ps -o stat= -p "$pid" 2> /dev/null) == T* ]] && { stopped=$pid; break; }
  fi
  kill -0 $run 2> /dev/null || break
  sleep 0.1
done
[[ -n $stopped ]] || fail "the growth to c never paused in its rebuild: $(cat grow.txt)"
for command in "query s.h5 --pivot" "export s.h5" "status s.h5" "summarize s.h5"; do
  code=0; NPDESWEEP_REBUILD_WAIT=1 "$bin" $command > out.txt 2> err.txt || code=$?
  [[ $code -eq 4 ]] && grep -q "being rebuilt" err.txt ||
    fail "'$command' on a store mid-rebuild: exit $code (expected 4, being rebuilt): $(cat err.txt)"
done
# The Python reader (python/npdesweep.py) follows the same rule: it raises, never shows the
# finished cells as pending.
cat > py_reader.py <<PY
import sys
sys.path.insert(0, "$src/python")
import npdesweep
try:
    ds = npdesweep.open_store("s.h5")
except npdesweep.StoreBeingRebuilt as e:
    print("rebuilt:", e)
    sys.exit(4)
print("done", int((ds["status"].values == "done").sum()))
PY
code=0; NPDESWEEP_REBUILD_WAIT=1 /usr/bin/python3 py_reader.py > py.txt 2>&1 || code=$?
[[ $code -eq 4 ]] && grep -q "being rebuilt" py.txt || fail "open_store on a store mid-rebuild: exit $code, $(cat py.txt)"
NPDESWEEP_REBUILD_WAIT=120 /usr/bin/python3 py_reader.py > py-waited.txt 2>&1 & py_waiter=$!
NPDESWEEP_REBUILD_WAIT=120 "$bin" status s.h5 > waited.txt 2> waited-err.txt & waiter=$!
for _ in $(seq 600); do grep -q waiting waited-err.txt 2> /dev/null && break; sleep 0.1; done
grep -q waiting waited-err.txt || fail "a reader did not wait for the rebuild: $(cat waited-err.txt)"
kill -CONT "$stopped"
code=0; wait $waiter || code=$?
[[ $code -eq 0 ]] || fail "the reader that waited for the rebuild: exit $code, $(cat waited-err.txt)"
# It read the store after the run restored every row: the finished cells of b are finished
# (the run may have finished more by then, never fewer).
done_before=$(grep -o "[0-9]* done" before.txt | head -1 | awk '{print $1}')
done_waited=$(grep -o "[0-9]* done" waited.txt | head -1 | awk '{print $1}')
[[ -n $done_waited ]] && ((done_waited >= done_before)) ||
  fail "the waiting reader saw ${done_waited:-no} done cells, fewer than the $done_before before the rebuild: $(cat waited.txt)"
code=0; wait $py_waiter || code=$?
py_done=$(awk '/^done/ {print $2}' py-waited.txt)
[[ $code -eq 0 && -n $py_done ]] && ((py_done >= done_before)) ||
  fail "open_store that waited for the rebuild: exit $code, $(cat py-waited.txt) (before: $done_before done)"
code=0; wait $run || code=$?
[[ $code -eq 0 || $code -eq 1 ]] || fail "growing to c (paused, then continued) exited $code: $(cat grow.txt)"
[[ ! -e s.h5.d/rebuilding ]] || fail "the rebuild mark outlived the run"
"$bin" status s.h5 | grep -q "cells 12:" || fail "the grown store: $("$bin" status s.h5)"

# 3. A live rebuild longer than the wait: exit 4, said; ended during the wait: the read succeeds.
sleep 30 & holder=$!
printf 'host %s pid %s\n' "$(hostname)" "$holder" > s.h5.d/rebuilding
code=0; NPDESWEEP_REBUILD_WAIT=1 "$bin" query s.h5 > out.txt 2> err.txt || code=$?
[[ $code -eq 4 ]] && grep -q "being rebuilt" err.txt || fail "a reader during a long rebuild: exit $code, $(cat err.txt)"
(sleep 1; rm -f s.h5.d/rebuilding) &
code=0; NPDESWEEP_REBUILD_WAIT=20 "$bin" query s.h5 --pivot > out.txt 2> err.txt || code=$?
[[ $code -eq 0 ]] && grep -q "waiting" err.txt || fail "a reader whose rebuild ended while it waited: exit $code, $(cat err.txt)"
kill $holder 2> /dev/null || true; wait $holder 2> /dev/null || true

# 4. A mark whose process is gone: said at once (no wait), and the next run removes it.
printf 'host %s pid %s\n' "$(hostname)" "$holder" > s.h5.d/rebuilding
start=$(date +%s)
code=0; NPDESWEEP_REBUILD_WAIT=60 "$bin" export s.h5 > out.txt 2> err.txt || code=$?
[[ $code -eq 4 ]] && grep -q "cut short" err.txt && grep -q "npdesweep repair s.h5" err.txt && (($(date +%s) - start < 10)) ||
  fail "a stale rebuild mark: exit $code after $(($(date +%s) - start)) s: $(cat err.txt)"
# one message, true: no "waiting up to 60 s" for a rebuild that will never finish, no file-system hint
! grep -q "waiting\|file system is back" err.txt || fail "a stale rebuild mark: misleading lines: $(cat err.txt)"
SWEEP=c.toml sweep 2 s.h5 || [[ $? -eq 1 ]] || fail "the run after a cut-short rebuild exited $?"
[[ ! -e s.h5.d/rebuilding ]] || fail "the next run left the stale mark"
"$bin" export s.h5 > /dev/null || fail "export after the run exited $?"
echo "sweep_read_rebuild: $reads reads during a growth ($(grep -c being codes.txt) met its rebuild), none failed; a held rebuild read as exit 4 or after waiting, with its finished cells; long, ended and stale rebuilds said"
