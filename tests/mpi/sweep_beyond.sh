#!/usr/bin/env bash
# The beyond-the-paper study end to end, reduced (docs/findings/beyond/README.md is the full
# one, `scripts/study --beyond`): its Burgers sweep and one library case's (advdiff) cut to 5
# replicates, 30 epochs and one resolution, run by scripts/study. Each case's report must hold
# the section of the paper's open questions, one row per question with a verdict; the paper's
# own Burgers claims must read only the paper's setting (the MLP on plain data); the library
# case gets the paper's claims restated for its varied term. The numbers are not compared: 30
# epochs say nothing about the claims.
source "$(dirname "$0")/common.sh"
sed -e 's/^replicates = .*/replicates = 5/' -e 's/^epochs = .*/epochs = 30/' -e 's/^resolution = .*/resolution = [50]/' \
    "$src/sweeps/beyond-burgers.toml" > beyond-burgers.toml
sed -e 's/^replicates = .*/replicates = 5/' -e 's/^epochs = .*/epochs = 30/' -e 's/^resolution = .*/resolution = [32]/' \
    "$src/sweeps/beyond-advdiff.toml" > beyond-advdiff.toml
NPDESWEEP="$bin" "$src/scripts/study" --sweeps beyond-burgers.toml,beyond-advdiff.toml --stores stores --out report \
  > study.txt 2>&1 ||
  fail "scripts/study exited $?: $(tail -5 study.txt)"
/usr/bin/python3 - "$src" <<'PY' || fail "the report's shape"
import os, re, sys
sys.path.insert(0, os.path.join(sys.argv[1], "tests", "mpi"))
from report_module import load_report
report = load_report(sys.argv[1])
everything = open("report/README.md").read()
cases = re.split(r"^## ", everything, flags=re.M)[1:]
assert [c.split()[0] for c in cases] == ["burgers", "advdiff"], [c.split()[0] for c in cases]
text, advdiff = cases
section = text.split("### Beyond the paper")[1].split("\n### ")[0]
rows = [l for l in section.splitlines() if l.startswith("| (")]
assert len(rows) == len([c for c in report.BEYOND_CLAIMS if c["case"] == "burgers"]), len(rows)
# After 30 epochs the Richardson-trained MLP's output is mostly what no candidate explains: its
# coefficient's per-cell standard error (0.35 here) is far above the claim's 0.1.
assert any("not measurable (per-cell s.e. " in r for r in rows), rows
for row in rows:
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert len(cells) == 6 and cells[1] == "50", row
    assert re.match(r"(holds|does not hold|undecided|not measurable \(per-cell s.e. )", cells[5]), row
claims = text.split("### Claims")[1].split("\n### ")[0]
commands = [l for l in claims.splitlines() if l.startswith("npdesweep query")]
assert commands and all("--where network.kind=mlp" in c and "--where integrator.truth_correction=none" in c
                        for c in commands), commands
fits = text.split("### What the networks learned")[1].split("\n### ")[0]
assert "network.kind" in fits.splitlines()[2] and "integrator.truth_correction" in fits.splitlines()[2], fits[:400]
claims = advdiff.split("### Claims")[1].split("\n### ")[0]
rows = [l for l in claims.splitlines() if l.startswith("| (Every case)")]
assert len(rows) == 2 and all(r.split(" | ")[1] == "32" for r in rows), rows  # rollout, advection fit
beyond = advdiff.split("### Beyond the paper")[1].split("\n### ")[0]
rows = [l for l in beyond.splitlines() if l.startswith("| (Beyond")]
assert len(rows) == 4, rows  # the CNN's rollouts, the CNN's fit and Richardson's, for the one varied term; Richardson's closure distance
for row in rows:
    assert re.match(r"(holds|does not hold|undecided|not measurable \(per-cell s.e. )", row.strip("|").split(" | ")[-1].strip()), row
# gKdV (sweeps/beyond-gkdv.toml, too slow for here): the paper's claims stay CLAIMS' own, the
# open questions are the library design's, on its one varied term (dispersion).
claims, beyond = report.case_claims("gkdv", {"train_stencil": ["central2"], "infer_stencil": ["central2", "central6"]})
assert not [c for c in claims if c["case"] == "gkdv" and c["paper"].startswith("(Every case)")], claims
gkdv = [c for c in beyond if c["case"] == "gkdv"]
assert len(gkdv) == 4 and all("dispersion" in c["paper"] for c in gkdv[1:3]), [c["paper"] for c in gkdv]
print("beyond report shape ok")
PY
echo "ok   scripts/study: the reduced beyond study's report answers each open question with a verdict"
