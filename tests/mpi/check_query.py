#!/usr/bin/python3
"""Checks `status`, `query` and `plot-store` on a finished smoke store against values recomputed
here from the stored datasets with h5py (never against copied numbers), parsing every output
format with a real CSV or JSON parser.  Usage: check_query.py BIN STORE SRC"""
import csv
import io
import json
import re
import math
import os
import struct
import subprocess
import sys
import tomllib  # Python 3.11, as Debian 12 ships

import h5py
import numpy as np

bin_, store, src = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(*args, code=0):
    p = subprocess.run([bin_, *args], capture_output=True, text=True)
    check(p.returncode == code, f"{' '.join(args)}: exit {p.returncode}, expected {code}: {p.stderr.strip()}")
    return p


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


# Recompute per-experiment values from the datasets.
f = h5py.File(store, "r", locking=False)
ex = f["experiments"]
keys = {k: [v.decode() if isinstance(v, bytes) else str(v) for v in ex[k][...]]
        for k in ("case", "train_stencil", "infer_stencil", "ic", "resolution", "replicate")}
code = f["status/code"][...]
names = {0: "pending", 1: "done", 2: "failed", 3: "diverged"}
keys["status"] = [names[int(c)] for c in code]
sweep_toml = f.attrs["sweep_toml"]
sweep_toml = sweep_toml.decode() if isinstance(sweep_toml, bytes) else sweep_toml
# Test IC labels as the sweep file writes them: step(A=4) for amplitude 4.0.
test_ics = ["step(A=%g)" % ic["amplitude"] for ic in tomllib.loads(sweep_toml)["analysis"]["test_ics"]]
check(len(test_ics) >= 2, "the smoke sweep has two test ICs, so per-test-IC queries are exercised")
final_loss, rollout, rollout_per_test, lam_per_test, closure, closure_per_test = [], [], [], [], [], []
for i in range(len(code)):
    if code[i] != 1:
        final_loss.append(None)
        rollout.append(None)
        rollout_per_test.append([None] * len(test_ics))
        lam_per_test.append([None] * len(test_ics))
        closure.append(None)
        closure_per_test.append([None] * len(test_ics))
        continue
    g = f["results/" + ex["group"][i].decode()]
    loss = g["training/loss"][ex["row"][i]]
    final_loss.append(float(loss[np.isfinite(loss)][-1]))
    e = g["rollout/relative_l2_error"][ex["row"][i]][:, -1]
    e = np.where(np.isnan(e), np.inf, e)
    rollout.append(float(np.max(e)))
    rollout_per_test.append([float(x) for x in e])
    rho = g["jacobian/model/spectral_radius"][ex["row"][i]]  # tests x states
    lam_per_test.append([None if np.all(np.isnan(r)) else float(np.nanmax(r)) for r in rho])
    c = g["closure/relative_error_discrete"][ex["row"][i]]  # training IC, then each test IC
    closure.append(float(c[0]))
    closure_per_test.append([float(x) for x in c[1:]])


def expected(values, where=None, group=None, stat="mean"):
    """values[i] per experiment, or values[i][t] per test IC when test_ic is named."""
    per_test = "test_ic" in (where or {}) or "test_ic" in (group or [])
    groups = {}
    for i in range(len(code)):
        for t in range(len(test_ics) if per_test else 1):
            kv_of = {**{k: keys[k][i] for k in keys}, "test_ic": test_ics[t]}
            if where and any(kv_of[k] != v for k, v in where.items()):
                continue
            kv = tuple(kv_of[k] for k in (group or []))
            groups.setdefault(kv, []).append(values[i][t] if per_test else values[i])
    out = {}
    for kv, vals in groups.items():
        finite = sorted(v for v in vals if v is not None)
        if stat == "count":
            out[kv] = float(len(vals))
        elif not finite:
            out[kv] = None
        elif stat == "mean":
            out[kv] = sum(finite) / len(finite)
        elif stat == "median":
            m = len(finite) // 2
            out[kv] = finite[m] if len(finite) % 2 else 0.5 * (finite[m - 1] + finite[m])
        else:
            out[kv] = {"min": min, "max": max}[stat](finite)
    return out


def parse_value(s):
    return None if s in ("", "null") else float(s)


# status: exact counts and messages
p = run("status", store)
counts = {s: keys["status"].count(s) for s in ("done", "diverged", "failed", "pending")}
check(f"{counts['done']} done, {counts['diverged']} diverged, {counts['failed']} failed, {counts['pending']} pending" in p.stdout,
      f"status counts: {p.stdout}")
# Brief by default: the messages grouped by kind, each with its count (summing to the cells).
kinds = [re.match(r"\s*diverged (\d+) cells? \(", line) for line in p.stdout.splitlines()]
check(sum(int(k.group(1)) for k in kinds if k) == counts["diverged"] and 0 < sum(1 for k in kinds if k) <= counts["diverged"],
      f"status groups the diverged cells' messages with counts: {p.stdout}")
messages = [line for line in run("status", store, "--all").stdout.splitlines() if line.strip().startswith("diverged cell")]
check(len(messages) == counts["diverged"] and all("truth data" in m for m in messages),
      "status --all lists every diverged cell with its message")

# status and summarize through the shared formatter: JSON and CSV parse and agree with the store
p = run("status", store, "--format", "json")
st = json.loads(p.stdout)
check(st["counts"] == counts, f"status --format json counts: {st['counts']} vs {counts}")
check(len(st["problems"]) == counts["diverged"] + counts["failed"] and
      all(c["status"] in ("diverged", "failed") and c["message"] for c in st["problems"]),
      "status --format json lists every failed and diverged cell with its message")
rows = list(csv.DictReader(io.StringIO(run("status", store, "--format", "csv").stdout)))
check(len(rows) == len(st["problems"]), "status --format csv has one row per problem cell")
summary = json.loads(run("summarize", store, "--format", "json").stdout)
check(len(summary) == len(keys["status"]) and [r["status"] for r in summary] == keys["status"],
      "summarize --format json: one row per cell, in cell order, with its status")
for r, want in zip(summary, final_loss):
    check(close(r["final_loss"], want), f"summarize final_loss of cell {r['id']}: {r['final_loss']} vs {want}")
p = run("query", store, "--format", "yaml", code=2)
check("--format: 'yaml' is not one of table, csv, json" in p.stderr, f"query --format yaml: {p.stderr!r}")


def check_grouped(metric, values, group, stat):
    """query --group-by in CSV against the statistic recomputed here."""
    p = run("query", store, "--group-by", ",".join(group), "--metric", metric, "--stat", stat, "--format", "csv")
    got = {tuple(r[k] for k in group): parse_value(r[stat if stat == "count" else f"{stat}({metric})"])
           for r in csv.DictReader(io.StringIO(p.stdout))}
    want = expected(values, group=group, stat=stat)
    check(set(got) == set(want), f"groups of {group}: {sorted(got)} vs {sorted(want)}")
    for kv in want:
        check(kv in got and close(got[kv], want[kv]), f"{metric} {stat} by {group} at {kv}: {got.get(kv)} vs {want[kv]}")


# query: every key as filter and as group, every stat, CSV and JSON parsed
for metric, values in (("final_loss", final_loss), ("rollout_error", rollout), ("closure_discrete", closure)):
    for group in (["infer_stencil"], ["train_stencil", "resolution"], ["case", "ic", "replicate", "status"]):
        for stat in ("mean", "median", "min", "max", "count"):
            check_grouped(metric, values, group, stat)
    for k in keys:
        v = keys[k][0]
        p = run("query", store, "--where", f"{k}={v}", "--metric", metric, "--format", "json")
        got = json.loads(p.stdout)
        want = expected(values, where={k: v})[()]
        check(len(got) == 1 and close(got[0]["value"], want), f"--where {k}={v}: {got} vs {want}")

# test_ic: each (experiment, test IC) pair is a unit carrying that IC's own values
for metric, values in (("rollout_error", rollout_per_test), ("max_lambda", lam_per_test),
                       ("closure_discrete", closure_per_test),
                       ("final_loss", [[v] * len(test_ics) for v in final_loss])):
    for group in (["test_ic"], ["test_ic", "infer_stencil"]):
        for stat in ("mean", "max", "count"):
            check_grouped(metric, values, group, stat)
    for ic in test_ics:
        p = run("query", store, "--where", f"test_ic={ic}", "--metric", metric, "--stat", "median", "--format", "json")
        got = json.loads(p.stdout)
        want = expected(values, where={"test_ic": ic}, stat="median")[()]
        check(len(got) == 1 and close(got[0]["value"], want) and got[0]["n"] == len(code), f"--where test_ic={ic}: {got} vs {want}")
# spearman: rank correlation recomputed here (average ranks for ties)
def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(x, y):
    if len(x) < 3:
        return None
    rx, ry = ranks(x), ranks(y)
    m = (len(x) + 1) / 2
    sxy = sum((a - m) * (b - m) for a, b in zip(rx, ry))
    sxx, syy = sum((a - m) ** 2 for a in rx), sum((b - m) ** 2 for b in ry)
    return None if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


for per_test, x_values, y_values in ((False, rollout, final_loss), (True, rollout_per_test, closure_per_test)):
    args = ["--group-by", "test_ic"] if per_test else []
    y_name = "closure_discrete" if per_test else "final_loss"
    p = run("query", store, *args, "--metric", "rollout_error", "--stat", "spearman", "--versus", y_name, "--format", "json")
    got = json.loads(p.stdout)
    for t in range(len(test_ics) if per_test else 1):
        pairs = [(x[t], y[t]) if per_test else (x, y) for x, y in zip(x_values, y_values)]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        want = spearman([a for a, _ in pairs], [b for _, b in pairs])
        row = [g for g in got if not per_test or g["test_ic"] == test_ics[t]]
        check(len(row) == 1 and close(row[0]["value"], want) and row[0]["n_value"] == len(pairs),
              f"spearman rollout_error vs {y_name} (test IC {t if per_test else 'all'}): {row} vs {want}")
p = run("query", store, "--pivot", "--where", f"test_ic={test_ics[1]}", "--where", "resolution=16", "--format", "json")
pv = json.loads(p.stdout)
want = expected(rollout_per_test, {"test_ic": test_ics[1], "resolution": "16"}, ["train_stencil", "infer_stencil"])
for a, t in enumerate(pv["train_stencil"]):
    for b, i in enumerate(pv["infer_stencil"]):
        check(close(pv["values"][a][b], want.get((t, i))), f"pivot at test IC {test_ics[1]}: {t}/{i}")
p = run("query", store, "--list")
check(all(ic in p.stdout for ic in test_ics), "query --list names the test ICs")
# two --where together
p = run("query", store, "--where", "resolution=16", "--where", "infer_stencil=central2", "--metric", "final_loss",
        "--format", "json")
check(close(json.loads(p.stdout)[0]["value"], expected(final_loss, {"resolution": "16", "infer_stencil": "central2"})[()]),
      "two --where filters")
# pivot in JSON and CSV
p = run("query", store, "--pivot", "--where", "resolution=24", "--metric", "final_loss", "--format", "json")
pv = json.loads(p.stdout)
want = expected(final_loss, {"resolution": "24"}, ["train_stencil", "infer_stencil"])
for a, t in enumerate(pv["train_stencil"]):
    for b, i in enumerate(pv["infer_stencil"]):
        check(close(pv["values"][a][b], want.get((t, i))), f"pivot {t}/{i}")
p = run("query", store, "--pivot", "--metric", "final_loss", "--format", "csv")
check(len(list(csv.reader(io.StringIO(p.stdout)))) == 1 + len(set(keys["train_stencil"])), "pivot CSV rows")
run("query", store, "--list")
run("query", store, "--pivot")

# conditions on keys and metrics, value lists, sum/std/argmin/argmax, --sort, rollout_error@K
done = [i for i in range(len(code)) if code[i] == 1]
errs = sorted(rollout[i] for i in done)
cut = errs[len(errs) // 2]


def csv_rows(p):
    return list(csv.DictReader(io.StringIO(p.stdout)))


def cond_ids(pred):
    return [i for i in range(len(code)) if pred(i)]


for where, pred in (
        (["--where", f"rollout_error<{cut!r}"], lambda i: rollout[i] is not None and rollout[i] < cut),
        (["--where", f"rollout_error>={cut!r}"], lambda i: rollout[i] is not None and rollout[i] >= cut),
        (["--where", "infer_stencil!=central2"], lambda i: keys["infer_stencil"][i] != "central2"),
        (["--where", "resolution>=24", "--where", "train_stencil=backward1,forward1"],
         lambda i: int(keys["resolution"][i]) >= 24),
        (["--where", "status=done,diverged", "--where", "resolution<20"], lambda i: int(keys["resolution"][i]) < 20)):
    want = cond_ids(pred)
    r = csv_rows(run("query", store, *where, "--stat", "count", "--format", "csv"))
    check(len(r) == 1 and float(r[0]["count"]) == len(want), f"condition {where}: {r} vs {len(want)}")
    vals = [final_loss[i] for i in want if final_loss[i] is not None]
    r = csv_rows(run("query", store, *where, "--metric", "final_loss", "--stat", "sum", "--format", "csv"))
    check(math.isclose(float(r[0]["sum(final_loss)"]), sum(sorted(vals)), rel_tol=1e-15), f"sum {where}")
p = run("query", store, "--where", "resolution=16", "--where", "resolution=24", "--stat", "count")
check("--where names resolution more than once" in p.stderr, "a repeated key is warned about")
for stat in ("std", "argmin", "argmax"):
    r = csv_rows(run("query", store, "--group-by", "resolution", "--metric", "final_loss", "--stat", stat, "--format", "csv"))
    for row in r:
        ids = [i for i in done if keys["resolution"][i] == row["resolution"]]
        v = [final_loss[i] for i in ids]
        value = float(row[f"{stat}(final_loss)"])
        if stat == "std":
            m = sum(sorted(v)) / len(v)
            check(math.isclose(value, math.sqrt(sum((x - m) ** 2 for x in sorted(v)) / (len(v) - 1)), rel_tol=1e-12),
                  f"std at N={row['resolution']}")
        else:
            best = (min if stat == "argmin" else max)(ids, key=lambda i: final_loss[i])
            check(value == final_loss[best] and int(row["id"]) == best, f"{stat} at N={row['resolution']}: {row}")
            check(f"infer_stencil={keys['infer_stencil'][best]}" in row["attained_by"], f"{stat} names its experiment")
r = csv_rows(run("query", store, "--sort", "final_loss", "--desc", "--top", "3", "--format", "csv"))
want = sorted(done, key=lambda i: -final_loss[i])[:3]
check([int(x["id"]) for x in r] == want and [float(x["final_loss"]) for x in r] == [final_loss[i] for i in want],
      f"--sort --desc --top 3: {r}")
steps = f["results/N16/rollout/relative_l2_error"].shape[2] - 1
k = 7 if steps > 7 else 1
r = csv_rows(run("query", store, "--metric", f"rollout_error@{k}", "--stat", "max", "--format", "csv"))
want = []
for i in done:
    g = f["results/" + ex["group"][i].decode()]
    e = g["rollout/relative_l2_error"][ex["row"][i]][:, k]
    want.append(float(np.max(np.where(np.isnan(e), np.inf, e))))
check(float(r[0][f"max(rollout_error@{k})"]) == max(want), f"rollout_error@{k} at any step")
p = run("query", store, "--pivot", "--per", "resolution", "--metric", "final_loss")
check(p.stdout.count("train stencil x inference stencil, resolution = ") == len(set(keys["resolution"])) and
      "aggregated over" in p.stdout, f"--pivot --per resolution: one titled table per resolution: {p.stdout}")

# bad input: exit 2 and one line
import tempfile
tmp = tempfile.mkdtemp()
junk = os.path.join(tmp, "junk.h5")
open(junk, "w").write("not hdf5")
other = os.path.join(tmp, "other.h5")
with h5py.File(other, "w") as o:
    o["x"] = np.arange(3)
for args, text in ((["status", os.path.join(tmp, "missing.h5")], "cannot read the file"),
                   (["query", junk], "not an HDF5 file"),
                   (["status", other], "not an npdesweep sweep store"),
                   (["query", store, "--group-by", "colour"], "unknown key 'colour'"),
                   (["query", store, "--metric", "beauty"], "unknown metric 'beauty'"),
                   (["query", store, "--stat", "mode"], "--stat: 'mode' is not one of mean, median"),
                   (["query", store, "--where", "resolution"], "--where needs KEY=VALUE"),
                   (["query", store, "--where", "colour<3"], "unknown key or metric 'colour'"),
                   (["query", store, "--where", "resolution>big"], "big is not a number"),
                   (["query", store, "--top", "3"], "--desc and --top go with --sort"),
                   (["query", store, "--where", "infer_stencil=centrl2"], "no experiment has infer_stencil=centrl2"),
                   (["query", store, "--stat", "spearman"], "needs --versus")):
    p = run(*args, code=2)
    check(text in p.stderr and p.stderr.count("\n") == 1, f"{args}: stderr {p.stderr!r}")

# plot-store: every figure is a non-empty PNG of a plausible size
out = os.path.join(tmp, "figs")
p = subprocess.run([os.path.join(src, "scripts", "plot-store"), store, "--out", out], capture_output=True, text=True)
check(p.returncode == 0, f"plot-store exit {p.returncode}: {p.stderr}")
pngs = p.stdout.split()
check(len(pngs) == 6, f"plot-store wrote {len(pngs)} figures")
for path in pngs:
    data = open(path, "rb").read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    w, h = struct.unpack(">II", data[16:24])
    check(300 <= w <= 3000 and 200 <= h <= 2000 and len(data) > 5000, f"{path}: {w}x{h}, {len(data)} bytes")
p = subprocess.run([os.path.join(src, "scripts", "plot-store"), junk, "--out", out], capture_output=True, text=True)
check(p.returncode == 2 and "not an HDF5 file" in p.stderr, f"plot-store on junk: {p.returncode} {p.stderr}")
# chosen experiments and states: the eigenvalue figure has one panel per chosen experiment
done24 = [i for i in range(len(code)) if code[i] == 1 and keys["resolution"][i] == "24"]
states = [int(s) for s in f["results/N24/jacobian/state_index"][...]]
sizes = {}
for name, extra in (("one", ["--experiments", str(done24[0]), "--states", str(states[-1])]),
                    ("where", ["--where", f"infer_stencil={keys['infer_stencil'][done24[0]]}", "--test-ic", "1"]),
                    ("all", [])):
    p = subprocess.run([os.path.join(src, "scripts", "plot-store"), store, "--out", os.path.join(tmp, name), *extra],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"plot-store {extra}: exit {p.returncode}: {p.stderr}")
    sizes[name] = struct.unpack(">II", open(os.path.join(tmp, name, "eigenvalues_N24.png"), "rb").read()[16:24])
check(sizes["one"][0] < sizes["all"][0], f"one chosen experiment draws a narrower eigenvalue figure: {sizes}")
for extra, text in ((["--states", "999"], "were not analysed"), (["--test-ic", "7"], "test ICs 0..1"),
                    (["--where", "colour=red"], "--where needs KEY=VALUE"), (["--experiments", "999"], "not finished"),
                    (["--where", "infer_stencil=spectral"], "no finished experiment")):
    p = subprocess.run([os.path.join(src, "scripts", "plot-store"), store, "--out", out, *extra], capture_output=True, text=True)
    check(p.returncode == 2 and text in p.stderr and p.stderr.count("\n") == 1, f"plot-store {extra}: {p.returncode} {p.stderr!r}")

print(f"check_query: {len(failures)} failures")
sys.exit(1 if failures else 0)
