#!/usr/bin/python3
"""Opens every group of a sweep store or run-one result file with xarray's h5netcdf engine
(Debian's python3-xarray and python3-h5netcdf), as a netCDF-4 user would, and checks that each is
fully labelled.

  check_netcdf.py FILE.h5 ...

For every group holding datasets: it opens without phony dimensions (h5netcdf refuses an axis
with no dimension scale); every dimension of every variable has a coordinate variable (an index)
in the same group; text coordinates read as str, not bytes; the dimension names are the axis
labels h5py shows (dataset.dims[k].label). Then what the coordinates say:
  - `row` carries `cell`, the store's cell ids, equal to /experiments/id at /experiments/row;
  - `step` carries `time` = step * dt, and rollout/time is that coordinate;
  - `state` equals jacobian/state_index; `test_ic` equals rollout/test_ic; `term` the terms
    attribute of closure/fit; `cell` in /experiments, /status and /timing the ids; `x` (the
    solution fields' grid) is j L / N with L the job's pde.length.
Exit 0 when all hold, 1 with one line per problem otherwise.
"""
import sys
import tomllib

import h5py
import numpy as np
import xarray as xr


def groups_with_datasets(path):
    found = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                parent = obj.parent.name
                if parent not in found:
                    found.append(parent)
        f.visititems(visit)
    return found


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in np.asarray(values).ravel()]


def check(path):
    problems = []
    f = h5py.File(path, "r")
    store = "experiments" in f
    groups = groups_with_datasets(path)
    if not groups:
        return [f"{path}: no datasets"]
    opened = 0
    for g in groups:
        where = f"{path}:{g}"
        try:
            ds = xr.open_dataset(path, engine="h5netcdf", group=g)
        except Exception as e:  # noqa: BLE001 - every failure is a finding
            problems.append(f"{where}: xarray cannot open it: {type(e).__name__}: {str(e).splitlines()[0]}")
            continue
        opened += 1
        for name, var in ds.variables.items():
            for k, dim in enumerate(var.dims):
                if dim.startswith("phony_dim"):
                    problems.append(f"{where}/{name}: phony dimension {dim}")
                elif dim not in ds.indexes:
                    problems.append(f"{where}/{name}: dimension {dim} has no coordinate variable")
                h5set = f[g].get(name)
                if isinstance(h5set, h5py.Dataset) and h5set.ndim == var.ndim and h5set.dims[k].label != dim:
                    problems.append(f"{where}/{name}: axis {k} is {dim} for xarray, {h5set.dims[k].label!r} for h5py")
        for name, coord in ds.coords.items():
            if coord.dtype.kind == "S":
                problems.append(f"{where}/{name}: text coordinate reads as bytes")
        # What the coordinates say.
        if "row" in ds.dims:
            if "cell" not in ds.coords:
                problems.append(f"{where}: the row axis has no cell coordinate")
            else:
                group = g.split("/")[2]
                ids = f["experiments/id"][()]
                in_group = np.asarray(text(f["experiments/group"][()])) == group
                expected = np.empty(int(in_group.sum()), dtype=np.int64)
                expected[f["experiments/row"][()][in_group]] = ids[in_group]
                if not np.array_equal(ds["cell"].values.astype(np.int64), expected):
                    problems.append(f"{where}: cell coordinate {ds['cell'].values} is not the cells of the rows {expected}")
        if "step" in ds.dims:
            if "time" not in ds.coords:
                problems.append(f"{where}: the step axis has no time coordinate")
            elif not np.allclose(np.diff(ds["time"].values), ds["time"].values[1] - ds["time"].values[0]) or \
                    ds["time"].values[0] != 0:
                problems.append(f"{where}: time is not step * dt: {ds['time'].values[:4]}")
        prefix = "/".join(g.split("/")[:3]) if store and g.startswith("/results/") else ""  # /results/<group>
        def reference(path):
            if path not in f:
                problems.append(f"{where}: {path} is missing")
                return None
            return f[path]
        if "state" in ds.dims and (expected := reference(prefix + "/jacobian/state_index")) is not None:
            expected = expected[()]
            if not np.array_equal(ds["state"].values, expected):
                problems.append(f"{where}: state {ds['state'].values} != jacobian/state_index {expected}")
        if "test_ic" in ds.dims and (expected := reference(prefix + "/rollout/test_ic")) is not None:
            expected = text(expected[()])
            if text(ds["test_ic"].values) != expected:
                problems.append(f"{where}: test_ic {text(ds['test_ic'].values)} != rollout/test_ic {expected}")
        if "term" in ds.dims and (fit := reference(prefix + "/closure/fit")) is not None:
            if text(ds["term"].values) != fit.attrs["terms"].decode().split():
                problems.append(f"{where}: term {text(ds['term'].values)} != closure/fit@terms")
        if "x" in ds.dims:  # the grid x_j = j L / N, L the job's pde.length
            job = f.attrs["sweep_toml" if store else "job_toml"].decode()
            length = float(tomllib.loads(job)["pde"]["length"])
            n = ds.sizes["x"]
            if not np.allclose(ds["x"].values, np.arange(n) * (length / n), rtol=1e-15, atol=0):
                problems.append(f"{where}: x {ds['x'].values[:3]} is not j L / N with L = {length}, N = {n}")
        if "cell" in ds.dims and not np.array_equal(ds["cell"].values, f["experiments/id"][()]):
            problems.append(f"{where}: cell {ds['cell'].values} != /experiments/id")
        ds.close()
    if opened == 0:
        problems.append(f"{path}: opened no group")
    return problems


def main():
    problems = []
    for path in sys.argv[1:]:
        problems += check(path)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
