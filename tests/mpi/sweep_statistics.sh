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

# ROC curves (plot-store checks each curve's area against query's AUC and exits 2 if they differ);
# failure = an error above the median, so both classes have members and each curve is drawn.
median=$("$bin" query rep.h5 --stat median --format csv | tail -1 | cut -d, -f1)
NPDESWEEP="$bin" "$src/scripts/plot-store" rep.h5 --out figs --roc max_lambda@0,saturation --threshold "$median" \
  > figs.txt || fail "plot-store --roc exited $?"
[[ -s figs/roc.png ]] && grep -q "roc.png" figs.txt || fail "plot-store --roc wrote no roc.png: $(cat figs.txt)"
code=0; "$src/scripts/plot-store" rep.h5 --out figs --threshold 0.5 2> roc.err || code=$?
[[ $code -eq 2 ]] && grep -q "go with --roc" roc.err || fail "--threshold without --roc: exit $code $(cat roc.err)"
echo "ok   plot-store --roc: ROC curves whose areas are query's AUCs; --threshold alone refused"

# Closure fits per replicate (docs/numerics.md, Closure fits): on central2 cells the advection
# mismatch backward1 - central2 is a candidate, on backward1 cells it is not; the store names
# the terms, and the coefficients are finite.
"$bin" query rep.h5 --where infer_stencil=central2 --metric fit_discrete@advection --stat mean_ci --format csv \
  > fit.csv || fail "fit_discrete@advection exited $?"
awk -F, 'NR == 2 && $2 == $2 + 0 && $5 == 6 { ok = 1 } END { exit !ok }' fit.csv || fail "fit_discrete@advection: $(cat fit.csv)"
"$bin" query rep.h5 --where infer_stencil=backward1 --metric fit_discrete@advection --format csv > nofit.csv 2>&1
grep -q ",6,0$" nofit.csv || fail "a term without a candidate has a coefficient: $(cat nofit.csv)"
"$bin" query rep.h5 --metric truncation_share@advection --stat count --format csv | grep -q ",6$" ||
  fail "truncation_share@advection: not in 6 cells"
/usr/bin/python3 - <<'PY' || fail "closure/fit in the store"
import h5py, math
f = h5py.File("rep.h5", "r")
g = f["results/N16/closure/fit"]
terms = g.attrs["terms"]
terms = terms.decode() if isinstance(terms, bytes) else terms
assert terms == "advection diffusion", terms
assert g["coefficient"].shape[1:] == (2, 3) and g["residual_share"].shape[1:] == (2,)
tau = g["taylor"][:, 0]
assert all(math.isnan(t) or abs(t + 0.5) < 1e-12 for t in tau), tau
PY
echo "ok   closure fits: per-term coefficients by replicate, the terms named, tau = -1/2 for backward1 - central2"

# Three replicates are too few for an interval: the note says so.
sed -e 's/^replicates = 6/replicates = 3/' replicated.toml > three.toml
SWEEP=three.toml sweep 3 three.h5 || fail "the 3-replicate sweep exited $?"
"$bin" query three.h5 --compare infer_stencil=backward1,central2 > three.txt || fail "3 replicates: exit $?"
grep -q "no interval: only 3 values (an interval needs 5)" three.txt || fail "3 replicates: $(cat three.txt)"
echo "ok   three pairs: no interval, said"
