#!/usr/bin/python3
"""The Python reader (python/npdesweep.py) against `npdesweep export`, the C++ reader.

  check_reader.py NPDESWEEP SRC STORE.h5 ...

Opens all the stores at once with npdesweep.open_store and with `npdesweep export` (CSV: empty
is missing, nan, inf; several stores read as one), then checks: the same cells (by store and id), in the same order;
the same keys (status, stencils, IC, resolution, replicate, dotted axes); every metric column of
export that is not a parameterised NAME@K/NAME@N form is a column of to_dataframe() and equal to
it (NaN where export has nothing; bitwise: both read the same doubles, except runtime, a sum,
to 1e-15); and a result array read through the Dataset equals h5py's row of it.
Exit 0 when all hold, 1 with one line per problem.
"""
import io
import re
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd


def main():
    binary, src, stores = sys.argv[1], sys.argv[2], sys.argv[3:]
    sys.path.insert(0, f"{src}/python")
    import npdesweep

    ds = npdesweep.open_store(*stores)
    got = npdesweep.to_dataframe(ds)
    # export reads several stores as one too, each row keyed by store and sweep.
    out = subprocess.run([binary, "export"] + stores, check=True, capture_output=True, text=True).stdout
    want = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""], dtype={"message": str},
                       float_precision="round_trip")
    problems = []
    if len(got) != len(want):
        problems.append(f"{len(got)} cells from open_store, {len(want)} from export")
        return report(problems)
    if list(got["store"]) != list(want["store"]) or list(got["id"]) != list(want["id"]):
        problems.append("open_store's cells are not export's, in export's order (store, then id)")
    for key in ["sweep", "hash", "status", "case", "train_stencil", "infer_stencil", "ic", "stepper", "resolution",
                "replicate", "seed"] + [c for c in want.columns if "." in c]:
        if key not in got:
            problems.append(f"key {key}: not a column of to_dataframe()")
            continue
        # Missing (a key another store does not have): None in the Dataset, an empty CSV field.
        a = ["" if pd.isna(v) else str(v) for v in got[key]]
        b = ["" if pd.isna(v) else str(v) for v in want[key]]
        if a != b:
            problems.append(f"key {key}: {a[:4]} ... != export's {b[:4]} ...")
    metrics = [c for c in want.columns if c not in ("store", "sweep", "id", "hash", "status", "message", "case", "train_stencil",
                                                     "infer_stencil", "ic", "stepper", "resolution", "replicate", "seed")
               and "." not in c and not re.search(r"@\d+$", c)]
    if len(metrics) < 20:
        problems.append(f"export has only {len(metrics)} metrics: {metrics}")
    for m in metrics:
        if m not in got:
            problems.append(f"metric {m}: export has it, to_dataframe() does not")
            continue
        a = got[m].to_numpy(dtype=float)
        b = want[m].to_numpy(dtype=float)
        same = np.array_equal(a, b, equal_nan=True) if m != "runtime" else np.allclose(a, b, rtol=1e-15, equal_nan=True)
        if not same:
            bad = np.flatnonzero(~((a == b) | (np.isnan(a) & np.isnan(b))))
            problems.append(f"metric {m}: cells {bad[:5]} differ: {a[bad[:3]]} != export's {b[bad[:3]]}")
    # An array: the Dataset's row of a done cell is h5py's.
    done = np.flatnonzero(ds["status"].values == "done")
    if done.size:
        c = int(done[-1])
        store, group, row = str(ds["store"].values[c]), str(ds["group"].values[c]), int(ds["row"].values[c])
        with h5py.File(store, "r") as f:
            expected = f[f"results/{group}/rollout/relative_l2_error"][row]
            labels = f[f"results/{group}/rollout/test_ic"].asstr()[...]
        mine = ds["rollout_relative_l2_error"].isel(cell=c).sel(test_ic=list(labels)).values[:, : expected.shape[1]]
        if not np.array_equal(mine, expected, equal_nan=True):
            problems.append(f"cell {c}: rollout_relative_l2_error differs from h5py's row {row} of {group}")
    return report(problems, len(got), len(metrics))


def report(problems, cells=0, metrics=0):
    for p in problems:
        print(p)
    if not problems:
        print(f"check_reader: open_store agrees with export on {cells} cells and {metrics} metrics")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
