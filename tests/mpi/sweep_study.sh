#!/usr/bin/env bash
# The illusion study end to end, reduced (docs/findings/README.md is the full one): both study
# sweeps cut to few epochs, 5 replicates (the fewest that give intervals) and fewer
# resolutions and test ICs, run by scripts/study, whose report must have the expected shape:
# a claims table per case with one row per claim and resolution, each with a verdict, the
# closure-fit and rollout tables, the figures it links, and the command that regenerates it.
# The numbers are not compared with anything: a few epochs say nothing about the claims.
source "$(dirname "$0")/common.sh"
sed -e 's/^replicates = .*/replicates = 5/' -e 's/^epochs = .*/epochs = 30/' -e 's/^resolution = .*/resolution = [50, 100]/' \
    "$src/sweeps/illusion-burgers.toml" > illusion-burgers.toml
sed -e 's/^replicates = .*/replicates = 5/' -e 's/^epochs = .*/epochs = 20/' -e 's/^resolution = .*/resolution = [256]/' \
    -e '/c = 2.0 }\|c = 3.0 }\|c = 4.0 }\|c = 4.5 }\|c = 5.0 }/d' "$src/sweeps/illusion-gkdv.toml" > illusion-gkdv.toml
grep -q "c = 1.5" illusion-gkdv.toml && ! grep -q "c = 4.5" illusion-gkdv.toml || fail "the reduced gKdV sweep: $(cat illusion-gkdv.toml)"
NPDESWEEP="$bin" "$src/scripts/study" --sweeps illusion-burgers.toml,illusion-gkdv.toml --stores stores --out report \
  > study.txt 2>&1 || fail "scripts/study exited $?: $(tail -5 study.txt)"
grep -q "illusion-gkdv.toml took [0-9]* s" study.txt || fail "no wall time: $(tail -3 study.txt)"
/usr/bin/python3 - "$src" <<'PY' || fail "the report's shape"
import os, re, sys
sys.path.insert(0, os.path.join(sys.argv[1], "tests", "mpi"))
from report_module import load_report
report = load_report(sys.argv[1])
text = open("report/README.md").read()
assert "scripts/study --sweeps illusion-burgers.toml,illusion-gkdv.toml --stores stores --out report" in text
resolutions = {"burgers": ["50", "100"], "gkdv": ["256"]}
sections = re.split(r"^## ", text, flags=re.M)[1:]
assert [s.split()[0] for s in sections] == ["burgers", "gkdv"], [s.split()[0] for s in sections]
for section in sections:
    # the replicates' derived seeds are not an axis (a row per cell in the rollout table)
    axes = next(l for l in section.splitlines() if l.startswith("Axes that vary:"))
    assert not re.search(r"\bseed \(", axes), axes
    assert "; 5 replicates" in axes, axes
    case = section.split()[0]
    claims = [c for c in report.CLAIMS if c["case"] == case]
    table = section.split("### Claims")[1].split("###")[0]
    rows = [l for l in table.splitlines() if l.startswith("| ") and not l.startswith("| claim")]
    assert len(rows) == len(claims) * len(resolutions[case]), (case, len(rows))
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 6, row
        assert cells[1] in resolutions[case], row
        assert re.match(r"(holds|does not hold|undecided|not measurable \(per-cell s.e. )", cells[5]), row
    fits = section.split("### What the networks learned")[1].split("###")[0]
    fit_rows = [l for l in fits.splitlines() if l.startswith("| ") and "---" not in l]
    assert len(fit_rows) >= 2, fits
    for figure in ("rollout_heatmap", "closure", "roc"):
        assert f"]({case}/{figure}.png)" in section, (case, figure)
        assert os.path.getsize(f"report/{case}/{figure}.png") > 1000
    # roc.png draws the AUC claim's own cells (issue "Honest numbers": it pooled two
    # training.transitions values while the AUC rows read one): its plot-store command carries
    # the claim's --where conditions
    roc_command = next(l for l in section.splitlines() if l.startswith("scripts/plot-store") and "--roc" in l)
    auc_command = next(l for l in section.splitlines() if l.startswith("npdesweep query") and "--stat auc" in l)
    wheres = set(re.findall(r"--where ([\w.]+=[^!<>=\s]+)", auc_command)) - {w for w in re.findall(
        r"--where (\S+)", auc_command) if w.startswith("test_ic=")}
    assert wheres <= set(re.findall(r"--where (\S+)", roc_command)), (case, wheres, roc_command)
print("report shape ok")
PY
echo "ok   scripts/study: a reduced study runs and its report has one verdict per claim and resolution"
