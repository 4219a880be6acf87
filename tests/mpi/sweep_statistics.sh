#!/usr/bin/env bash
# Statistics over replicates from a real store (docs/sweep-file.md, query --help): a sweep with
# six replicates of two inference stencils; intervals per group, the paired comparison (six
# pairs, by seed), the AUC of an eigenvalue predictor, JSON fields, and a three-replicate store
# that says it has too few for an interval.
source "$(dirname "$0")/common.sh"
sed -e 's/^resolution = .*/resolution = [16]/' -e 's/^train_stencil = .*/train_stencil = ["backward1"]/' \
    -e 's/^seed = 11/seed = 11\nreplicates = 6/' "$smoke" > replicated.toml
SWEEP=replicated.toml sweep 3 rep.h5 || fail "the replicated sweep exited $?"
[[ $(status_codes rep.h5 | wc -w) -eq 12 ]] || fail "expected 12 cells: $(status_codes rep.h5)"

"$bin" query rep.h5 --group-by infer_stencil --stat mean_ci --format csv > ci.csv || fail "mean_ci exited $?"
head -1 ci.csv | grep -q "infer_stencil,mean_ci(rollout_error),95% low,95% high,n,n_value,note" || fail "mean_ci columns: $(head -1 ci.csv)"
[[ $(tail -n +2 ci.csv | wc -l) -eq 2 ]] || fail "mean_ci: not one row per stencil: $(cat ci.csv)"
awk -F, 'NR > 1 && !($3 <= $2 && $2 <= $4 && $5 == 6) { exit 1 }' ci.csv || fail "mean_ci rows: $(cat ci.csv)"
echo "ok   mean_ci: an interval around each stencil's mean over 6 replicates"

"$bin" query rep.h5 --compare infer_stencil=backward1,central2 --format json > cmp.json || fail "--compare exited $?"
/usr/bin/python3 - <<'PY' || fail "--compare: $(cat cmp.json)"
import json, math
rows = json.load(open("cmp.json"))
r = rows[0] if isinstance(rows, list) else rows
assert r["n"] == 6 and r["n_value"] == 6, r
assert r["low"] <= r["value"] <= r["high"], r
assert 0 <= r["share_greater"] <= 1 and 0 < r["p_value"] <= 1, r
PY
echo "ok   --compare: 6 pairs by seed, difference with interval, share and Wilcoxon p"

"$bin" query rep.h5 --stat auc --versus max_lambda@0 --threshold 0.5 > auc.txt || fail "auc exited $?"
grep -q "failures" auc.txt || fail "auc: $(cat auc.txt)"
code=0; "$bin" query rep.h5 --stat auc > /dev/null 2> noversus.err || code=$?
[[ $code -eq 2 ]] && grep -q -- "--versus" noversus.err || fail "auc without --versus: exit $code $(cat noversus.err)"
echo "ok   auc: runs with a threshold; without --versus refused (exit 2)"

# Three replicates are too few for an interval: the note says so.
sed -e 's/^replicates = 6/replicates = 3/' replicated.toml > three.toml
SWEEP=three.toml sweep 3 three.h5 || fail "the 3-replicate sweep exited $?"
"$bin" query three.h5 --compare infer_stencil=backward1,central2 > three.txt || fail "3 replicates: exit $?"
grep -q "no interval: n = 3 < 5" three.txt || fail "3 replicates: $(cat three.txt)"
echo "ok   three pairs: no interval, said"
