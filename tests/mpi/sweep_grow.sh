#!/usr/bin/env bash
# A store grows with its sweep (docs/store.md, "Growth"): run a sweep, add a resolution, a
# replicate and a learning-rate value, rerun on the same store. Only the new cells run (the
# journal: the first run's commits, then one per new cell, none repeated); every cell equals the
# same cell of a fresh run of the grown sweep on every result dataset; the same after kill -9 at
# seeded random moments of the growing run. Then a shrunk sweep: its cells are all finished,
# the others stay in the store outside the view, shown by --all. A sweep of another name is
# refused. Seeded (GROW_SEED, default 1).
source "$(dirname "$0")/common.sh"
RANDOM=${GROW_SEED:-1}
sed -e 's/^name = .*/name = "grow"/' -e 's/^epochs = .*/epochs = 2000\nlearning_rate = 0.01/' \
    -e 's/^resolution = .*/resolution = [16]/' "$src/tests/mpi/kill-campaign.toml" > a.toml
sed -e 's/^resolution = .*/resolution = [16, 24]/' -e 's/^seed = 11/seed = 11\nreplicates = 2/' \
    -e '/^learning_rate = 0.01/d' -e 's/^\[grid\]/[grid]\n"training.learning_rate" = [0.01, 0.001]/' a.toml > b.toml
SWEEP=a.toml sweep 3 grown.h5 || fail "the first sweep exited $?"
cp -r grown.h5 killed.h5 && cp -r grown.h5.d killed.h5.d
t0=$(date +%s.%N)
mpirun -np 3 "$bin" run b.toml --store grown.h5 > grow.out 2>&1 || { cat grow.out; fail "growing exited $?"; }
span=$(echo "$(date +%s.%N) - $t0" | bc)  # the whole growing run, start-up and preparation included
grep -q "the sweep changed: 4 of its cells are finished in the store and reused (same content hash), 28 are new" grow.out ||
  fail "no reuse line: $(cat grow.out)"
grep -q "32 cells, 4 already finished, 28 to run" grow.out || fail "no plan line: $(cat grow.out)"
grep -q "copied 4 finished rows from the previous file" grow.out || fail "rows not copied in bulk: $(cat grow.out)"
SWEEP=b.toml sweep 3 fresh.h5 || fail "the fresh run of the grown sweep exited $?"

# journal_ok STORE N: N commits, no cell committed twice
journal_ok() {
  local n dups
  n=$(journal_ids "$1" | wc -l); dups=$(journal_ids "$1" | sort | uniq -d | wc -l)
  [[ $n -eq $2 && $dups -eq 0 ]] || fail "$1: $n commits ($dups repeated), expected $2 once each"
}
journal_ok grown.h5 32
[[ $(journal_ids grown.h5 | head -4 | sort | xargs) == "0 1 2 3" ]] || fail "the first sweep's commits are not kept first"
same_cells grown.h5 fresh.h5 > cmp.out || fail "the grown store differs from a fresh run: $(cat cmp.out)"
echo "ok   grown: 4 cells reused, 28 run, equal to a fresh run of the grown sweep"

# kill -9 (mpirun and every rank) at random moments of the growing run (over 5-95% of its wall
# time: the history, journal and file rebuild early, the cells later), then resume. GROW_KILLS
# kills (default 5; scripts/test-sanitizers runs 2: the kills test timing, not memory).
kills=${GROW_KILLS:-5}
for ((k = 1; k <= kills; k++)); do
  delay=$(echo "scale=3; $span * (0.05 + 0.9 * $((RANDOM % 1000)) / 1000)" | bc)
  mpirun -np 3 "$bin" run b.toml --store killed.h5 --quiet > /dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  pkill -9 -f "^$bin run b.toml --store killed.h5" 2> /dev/null || true
  kill -9 $pid 2> /dev/null || true
  wait $pid 2> /dev/null || true
  echo "kill $k at ${delay}s: $(journal_ids killed.h5 | wc -l) commits"
done
mpirun -np 3 "$bin" run b.toml --store killed.h5 --quiet > /dev/null 2>&1 || fail "resuming the killed growth exited $?"
journal_ok killed.h5 32
same_cells killed.h5 fresh.h5 > cmp.out || fail "the killed and resumed growth differs: $(cat cmp.out)"
echo "ok   kill -9 during growth x$kills: resumed store equal to a fresh run, every cell committed once"

# A shrunk sweep (one learning rate): nothing to run; the other cells stay, outside the view.
sed -e 's/^"training.learning_rate" = .*/"training.learning_rate" = [0.001]/' b.toml > c.toml
mpirun -np 3 "$bin" run c.toml --store grown.h5 > shrink.out 2>&1 || { cat shrink.out; fail "the shrunk sweep exited $?"; }
grep -q "nothing to do: all 16 cells are finished" shrink.out || fail "shrunk: $(cat shrink.out)"
grep -q "16 finished cells of earlier sweeps stay in the store" shrink.out || fail "shrunk: $(cat shrink.out)"
journal_ok grown.h5 32
"$bin" status grown.h5 > status.txt
grep -q "cells 16: 16 done" status.txt && grep -q "and 16 finished cells of earlier sweeps" status.txt || fail "status: $(cat status.txt)"
[[ $("$bin" query grown.h5 --stat count --format csv | tail -1 | cut -d, -f1) == 16 ]] || fail "query counts the old cells"
[[ $("$bin" query grown.h5 --stat count --all --format csv | tail -1 | cut -d, -f1) == 32 ]] || fail "query --all"
"$bin" export grown.h5 --all > all.csv
[[ $(grep -c ',done,,0,' all.csv) -eq 16 && $(grep -c ',done,,1,' all.csv) -eq 16 ]] || fail "export --all in_sweep: $(head -3 all.csv)"
"$bin" query grown.h5 --all --group-by training.learning_rate --stat count --format csv > lr.csv
grep -q '^0.001,16' lr.csv && grep -q '^0.01,16' lr.csv || fail "query --all by learning rate: $(cat lr.csv)"
# in_sweep separates the current sweep's cells from the earlier ones (an edit of a key that is
# no axis leaves nothing else to tell them apart).
"$bin" query grown.h5 --all --group-by in_sweep --stat count --format csv > view.csv
grep -q '^0,16' view.csv && grep -q '^1,16' view.csv || fail "query --all --group-by in_sweep: $(cat view.csv)"
[[ $("$bin" query grown.h5 --all --where in_sweep=0 --stat count --format csv | tail -1 | cut -d, -f1) == 16 ]] ||
  fail "query --all --where in_sweep=0"
# repair rebuilds a grown store from its history, journal and shards
rm grown.h5
"$bin" repair grown.h5 > repair.out || fail "repair of a grown store exited $?"
[[ $("$bin" query grown.h5 --stat count --all --format csv | tail -1 | cut -d, -f1) == 32 ]] || fail "repair lost cells"
echo "ok   shrunk: nothing to run, 16 cells kept outside the view (--all shows them), repair rebuilds it"

# A sweep of another name is not growth: refused, the store untouched.
sed 's/^name = "grow"/name = "other"/' b.toml > other.toml
sum=$(cat grown.h5 grown.h5.d/journal | md5sum)
code=0; mpirun -np 3 "$bin" run other.toml --store grown.h5 --quiet > /dev/null 2> other.err || code=$?
[[ $code -eq 2 ]] && grep -q "was made from a different sweep ('grow'" other.err || fail "another name: exit $code $(cat other.err)"
[[ $(cat grown.h5 grown.h5.d/journal | md5sum) == "$sum" ]] || fail "the refused run changed the store"
echo "ok   a sweep of another name refused (exit 2), store unchanged"
