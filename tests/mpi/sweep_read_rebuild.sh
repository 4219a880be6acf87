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

# 1. Readers in a loop while the store grows twice: every exit is 0 (or 4, said as a rebuild).
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
SWEEP=c.toml sweep 2 s.h5 || [[ $? -eq 1 ]] || fail "growing to c exited $?"
touch stop; wait $reader
reads=$(wc -l < codes.txt)
((reads >= 30)) || fail "only $reads reads during the growth"
bad=$(awk '$1 != 0 && !($1 == 4 && /being rebuilt/)' codes.txt)
[[ -z $bad ]] || fail "a reader failed during a rebuild: $(echo "$bad" | head -3)"
[[ ! -e s.h5.d/rebuilding ]] || fail "the rebuild mark outlived the run"
"$bin" status s.h5 | grep -q "cells 12:" || fail "the grown store: $("$bin" status s.h5)"

# 2. A live rebuild longer than the wait: exit 4, said; ended during the wait: the read succeeds.
sleep 30 & holder=$!
printf 'host %s pid %s\n' "$(hostname)" "$holder" > s.h5.d/rebuilding
code=0; NPDESWEEP_REBUILD_WAIT=1 "$bin" query s.h5 > out.txt 2> err.txt || code=$?
[[ $code -eq 4 ]] && grep -q "being rebuilt" err.txt || fail "a reader during a long rebuild: exit $code, $(cat err.txt)"
(sleep 1; rm -f s.h5.d/rebuilding) &
code=0; NPDESWEEP_REBUILD_WAIT=20 "$bin" query s.h5 --pivot > out.txt 2> err.txt || code=$?
[[ $code -eq 0 ]] && grep -q "waiting" err.txt || fail "a reader whose rebuild ended while it waited: exit $code, $(cat err.txt)"
kill $holder 2> /dev/null || true; wait $holder 2> /dev/null || true

# 3. A mark whose process is gone: said at once (no wait), and the next run removes it.
printf 'host %s pid %s\n' "$(hostname)" "$holder" > s.h5.d/rebuilding
start=$(date +%s)
code=0; NPDESWEEP_REBUILD_WAIT=60 "$bin" export s.h5 > out.txt 2> err.txt || code=$?
[[ $code -eq 4 ]] && grep -q "cut short" err.txt && (($(date +%s) - start < 10)) ||
  fail "a stale rebuild mark: exit $code after $(($(date +%s) - start)) s: $(cat err.txt)"
SWEEP=c.toml sweep 2 s.h5 || [[ $? -eq 1 ]] || fail "the run after a cut-short rebuild exited $?"
[[ ! -e s.h5.d/rebuilding ]] || fail "the next run left the stale mark"
"$bin" export s.h5 > /dev/null || fail "export after the run exited $?"
echo "sweep_read_rebuild: $reads reads during two growths ($(grep -c waiting codes.txt) waited for a rebuild), none failed; long, ended and stale rebuilds said"
