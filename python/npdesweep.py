"""Reading npdesweep sweep stores in Python: one xarray.Dataset over any number of stores.

    import sys; sys.path.insert(0, "/path/to/npdesweep/python")   # or PYTHONPATH
    import npdesweep
    ds = npdesweep.open_store("a.h5", "b.h5")   # xarray.Dataset indexed by cell
    df = npdesweep.to_dataframe(ds)             # pandas.DataFrame: one row per cell, keys and metrics

Needs only Debian's python3-xarray, python3-h5netcdf, python3-h5py and python3-pandas (not the
npdesweep binary: a store is self-describing, docs/store.md). docs/python.md has worked examples.

The Dataset has one `cell` dimension across every store given. Along it, as coordinates: `store`
(the path as given), `sweep` (its sweep name), the store's `/experiments` columns (`id`, `hash`,
`case`, `train_stencil`, `infer_stencil`, `ic`, `stepper`, `resolution`, `replicate`, `seed`,
`group`, `row`, `in_view` and each dotted grid axis such as `training.learning_rate`), `status`
(pending, done, failed, diverged) and `message`. Every result dataset of the store is a data
variable named by its path with "_" for "/" (`rollout_relative_l2_error`, dims cell, test_ic,
step), with the store's coordinates on its other axes (the closure's `ic` axis is named
`closure_ic` here, since `ic` is the cell's training IC); cells of groups of different shapes (two
resolutions: a different `mode` or `parameter` length) are aligned by coordinate value and padded
with NaN. A store whose sweep keeps solution fields (`[analysis] fields`) adds `fields_truth` and
`fields_rollout` (cell, test_ic, step, x), with `all` also `fields_training_truth` and
`fields_training_rollout` (cell, step, x), the grid `x` as their coordinate; cells without
fields have NaN there. The per-cell metrics of `npdesweep query` (same names, same definitions: the largest
over test ICs with a blow-up as inf, and so on; `query --list`) are data variables along `cell`
alone; they are NaN for cells that are not done (timing also for diverged cells).
"""
import errno
import os
import socket
import time

import h5py
import numpy as np
import pandas as pd
import xarray as xr

STATUS = {0: "pending", 1: "done", 2: "failed", 3: "diverged"}  # /status/code
PHASES = ("truth", "training", "analysis")                       # /timing/seconds's columns
PSEUDOSPECTRAL = ("eps8", "eps3")                                # pseudospectral_radius's epsilon axis
FIT_COLUMNS = ("fit_discrete", "fit_physics", "fit_truncation")  # closure/fit/coefficient's columns


def _text(values):
    return np.array([v.decode() if isinstance(v, bytes) else str(v) for v in np.asarray(values).ravel()], dtype=object)


def _worst(values):
    """The largest over the trailing axes, NaN skipped (all NaN: NaN); inf ranks above every number."""
    flat = values.reshape(values.shape[0], -1)
    out = np.full(flat.shape[0], np.nan)
    for i, row in enumerate(flat):
        finite_or_inf = row[~np.isnan(row)]
        if finite_or_inf.size:
            out[i] = finite_or_inf.max()
    return out


def _metrics(group, terms):
    """query's metrics of every row of one results group (an xarray view of its datasets by path)."""
    m = {}
    if "training/loss" in group:
        loss = group["training/loss"].values
        m["final_loss"] = np.array([row[np.isfinite(row)][-1] if np.isfinite(row).any() else np.nan for row in loss])
    if "rollout/relative_l2_error" in group:
        horizon = group["rollout/relative_l2_error"].values[:, :, -1]
        m["rollout_error"] = _worst(np.where(np.isnan(horizon), np.inf, horizon))
        m["rollout_blowups"] = np.isnan(horizon).sum(axis=1).astype(float)
    if "rollout/saturation" in group:
        m["saturation"] = group["rollout/saturation"].values
    for kind in ("discrete", "physics"):
        if f"closure/relative_error_{kind}" in group:
            m[f"closure_{kind}"] = group[f"closure/relative_error_{kind}"].values[:, 0]
    if "closure/fit/coefficient" in group:
        coefficient = group["closure/fit/coefficient"].values
        for column, name in enumerate(FIT_COLUMNS):  # every term: NaN where it has no such candidate
            for t, term in enumerate(terms):
                m[f"{name}@{term}"] = coefficient[:, t, column]
        for dataset, name in (("closure/fit/taylor", "fit_taylor"), ("closure/fit/truncation_share", "truncation_share")):
            values = group[dataset].values
            for t, term in enumerate(terms):
                m[f"{name}@{term}"] = values[:, t]
        if "closure/fit/standard_error" in group:
            error = group["closure/fit/standard_error"].values
            for column, name in enumerate(FIT_COLUMNS):
                for t, term in enumerate(terms):
                    m[f"{name}_se@{term}"] = error[:, t, column]
        residual = group["closure/fit/residual_share"].values
        m["fit_residual_discrete"], m["fit_residual_physics"] = residual[:, 0], residual[:, 1]
    for jacobian, prefix in (("model", ""), ("truth", "truth_"), ("known_only", "known_only_")):
        path = f"jacobian/{jacobian}/"
        for dataset, name in (("spectral_radius", "max_lambda"), ("norm", "max_norm"), ("rounding_set", "rounding_set"),
                              ("transient_growth", "max_transient_growth")):
            if path + dataset in group:
                values = group[path + dataset].values.astype(float)
                if dataset == "rounding_set":
                    values = np.where(values < 0, np.nan, values)  # -1: not analysed
                m[prefix + name] = _worst(values)
        if path + "pseudospectral_radius" in group:
            values = group[path + "pseudospectral_radius"].values
            for e, eps in enumerate(PSEUDOSPECTRAL):
                m[f"{prefix}max_lambda_{eps}"] = _worst(values[..., e])
    return m


def _values(dataset):
    """A dataset's values, text decoded to str (as xarray decodes `_Encoding = utf-8`)."""
    values = dataset[()]
    if values.dtype.kind == "S":
        return np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(values) if values.size else values.astype(object)
    return values


def _read_group(path, name, terms_attribute):
    """Every dataset of the results group /results/NAME, by its path under the group, as xarray
    variables labelled by their dimension scales: one pass over the file with h5py (the same
    arrays xarray's netCDF reading gives per subgroup, at a fraction of the cost of opening the
    file once per subgroup)."""
    variables = {}
    scales = {}  # a scale's values, read once
    with h5py.File(path, "r") as f:
        root = f[f"results/{name}"]

        def visit(where, obj):
            leaf = where.rsplit("/", 1)[-1]
            if not isinstance(obj, h5py.Dataset) or h5py.h5ds.is_scale(obj.id) or leaf == "cell":
                return  # coordinates: the scales label the arrays; `cell` beside `row` is the reader's own
            dims, coords = [], {}
            for k, dim in enumerate(obj.dims):
                label = dim.label or f"dim_{k}"
                dims.append(label)
                if len(dim):
                    scale = dim[0]
                    if scale.name not in scales:
                        scales[scale.name] = _values(scale)
                    coords[label] = (label, scales[scale.name])
            variables[where] = xr.DataArray(_values(obj), dims=dims, coords=coords)

        root.visititems(visit)
    return variables


def _open_one(path):
    with h5py.File(path, "r") as f:
        if "experiments" not in f or "status/code" not in f:
            raise ValueError(f"{path}: not an npdesweep sweep store (no /experiments, /status)")
        schema = int(f.attrs["schema_version"])
        if schema < 10:
            raise ValueError(f"{path}: store schema {schema}; this reader needs 10 or later "
                             "(run `npdesweep repair` or `run` on it with a current npdesweep to rebuild it)")
        ex = f["experiments"]
        columns = {}
        for key in ex:
            if key == "cell":
                continue
            values = ex[key][()]
            columns[key] = _text(values) if values.dtype.kind == "S" else values
        codes = f["status/code"][()]
        columns["status"] = np.array([STATUS.get(int(c), "pending") for c in codes], dtype=object)
        columns["message"] = _text(f["status/message"][()])
        seconds = f["timing/seconds"][()]
        sweep = f.attrs["sweep_name"].decode()
        group_terms = {g: f[f"results/{g}/closure/fit"].attrs["terms"].decode().split()
                       for g in f["results"] if "closure/fit" in f[f"results/{g}"]}
    cells = len(codes)
    columns["store"] = np.array([path] * cells, dtype=object)
    columns["sweep"] = np.array([sweep] * cells, dtype=object)
    pieces = []
    for name in sorted(set(columns["group"])):
        members = np.flatnonzero(columns["group"] == name)
        members = members[np.argsort(columns["row"][members])]
        variables = _read_group(path, name, group_terms.get(name, []))
        data = {}
        for var_path, var in variables.items():
            if "row" not in var.dims:
                continue
            var = var.drop_vars("row").rename(row="cell")
            if "ic" in var.dims:  # the closure's ICs; `ic` along cell is the cell's training IC
                var = var.rename(ic="closure_ic")
            data[var_path.replace("/", "_")] = var
        done = columns["status"][members] == "done"
        for metric, values in _metrics(variables, group_terms.get(name, [])).items():
            data[metric] = ("cell", np.where(done, np.asarray(values, dtype=float), np.nan))
        timed = np.isin(columns["status"][members], ("done", "diverged"))
        for k, phase in enumerate(PHASES):
            data[f"{phase}_seconds"] = ("cell", np.where(timed, seconds[members, k], np.nan))
        data["runtime"] = ("cell", np.where(timed, seconds[members].sum(axis=1), np.nan))
        if "rollout/time" in variables:  # the output times, per cell (dt may differ between groups)
            data["time"] = (("cell", "step"), np.tile(variables["rollout/time"].values, (len(members), 1)))
        piece = xr.Dataset(data)
        piece = piece.assign_coords({key: ("cell", values[members]) for key, values in columns.items()})
        pieces.append(piece)
    return pieces


class StoreBeingRebuilt(OSError):
    """A run (or `npdesweep repair`) is rebuilding the store's file (growth, a layout upgrade, a
    damaged file), or such a rebuild was cut short: its rows are not all back, so reading it now
    would show finished cells as pending. The same rule as npdesweep's own readers (docs/store.md,
    "Reading during a run")."""


def _rebuild_wait_seconds():
    """NPDESWEEP_REBUILD_WAIT seconds (60 by default), as npdesweep's readers."""
    try:
        seconds = float(os.environ.get("NPDESWEEP_REBUILD_WAIT", "60"))
        return seconds if seconds >= 0 else 60.0
    except ValueError:
        return 60.0


def _wait_while_rebuilding(path, seconds):
    """Waits while STORE.h5.d/rebuilding exists (the sidecar of the store's real path), at most
    `seconds`; raises StoreBeingRebuilt when it outlasts them, or at once when the mark names a
    process of this host that is gone (a rebuild cut short)."""
    mark_path = os.path.realpath(path) + ".d/rebuilding"
    start = time.monotonic()
    said = False
    while True:
        try:
            with open(mark_path) as f:
                mark = f.read().strip()
        except FileNotFoundError:
            return
        words = mark.split()
        if len(words) >= 4 and words[0] == "host" and words[2] == "pid" and words[1] == socket.gethostname():
            try:
                os.kill(int(words[3]), 0)
            except ProcessLookupError:
                raise StoreBeingRebuilt(errno.EAGAIN, f"{path}: a rebuild of its file was cut short ({mark_path}: "
                                        f"{mark}, a process that is gone); `npdesweep run` or `npdesweep repair` "
                                        "finishes it") from None
            except (PermissionError, ValueError):
                pass
        if time.monotonic() - start >= seconds:
            raise StoreBeingRebuilt(errno.EAGAIN, f"{path}: its file is being rebuilt ({mark_path}: {mark}); read it "
                                    "again when the run has restored it (NPDESWEEP_REBUILD_WAIT sets how long to wait)")
        if not said:
            import sys
            print(f"npdesweep: {path} is being rebuilt by a running sweep; waiting up to {seconds:g} s",
                  file=sys.stderr)
            said = True
        time.sleep(0.1)


def _open_one_waiting(path):
    """_open_one once no rebuild is under way; a rebuild that began while the file was read is
    waited for, and the file read again."""
    mark_path = os.path.realpath(path) + ".d/rebuilding"
    for attempt in range(3):
        _wait_while_rebuilding(path, _rebuild_wait_seconds())
        try:
            pieces = _open_one(path)
        except (OSError, KeyError, ValueError):
            if attempt < 2 and os.path.exists(mark_path):
                continue
            raise
        if not os.path.exists(mark_path):
            return pieces
    _wait_while_rebuilding(path, _rebuild_wait_seconds())
    return _open_one(path)


def open_store(*paths, all_cells=False):
    """One xarray.Dataset indexed by cell over the stores at `paths` (see the module's text).

    all_cells: also the cells an earlier sweep of a grown store dropped (in_view 0); by default,
    as `npdesweep query`, only the current sweep's cells.
    """
    if not paths:
        raise TypeError("open_store needs at least one store path")
    pieces = []
    for path in paths:
        if not os.path.exists(path):
            raise FileNotFoundError(f"{path}: no such store")
        pieces += _open_one_waiting(path)
    # Every piece with every variable (a store without a dotted axis, a group without a dataset):
    # missing ones all NaN (None for text keys), then concatenated along cell, aligned on the rest.
    template, source, coordinate = {}, {}, set()
    for piece in pieces:
        for name, var in piece.variables.items():
            template.setdefault(name, var)
            source.setdefault(name, piece)
        coordinate |= set(piece.coords)
    for k, piece in enumerate(pieces):
        n = piece.sizes["cell"]
        for name, var in template.items():
            if name in piece.variables or "cell" not in var.dims:
                continue
            # Along an axis the piece has, its own length; along one only others have (the
            # fields' x), the other's, with its coordinate.
            shape = [n if d == "cell" else piece.sizes[d] if d in piece.dims else var.sizes[d] for d in var.dims]
            filler = np.full(shape, None, dtype=object) if var.dtype.kind == "O" else np.full(shape, np.nan)
            new_axes = {d: source[name][d].values for d in var.dims if d not in piece.dims and d in source[name].coords}
            if name in coordinate:
                piece = piece.assign_coords({name: (var.dims, filler)})
            else:
                piece = piece.assign_coords(new_axes).assign({name: (var.dims, filler)})
        pieces[k] = piece
    ds = xr.concat(pieces, dim="cell", join="outer", coords="different", compat="equals", fill_value=np.nan,
                   combine_attrs="drop")
    if not all_cells:
        ds = ds.isel(cell=np.flatnonzero(ds["in_view"].values == 1))
    order = np.lexsort((ds["id"].values, [paths.index(s) for s in ds["store"].values]))
    ds = ds.isel(cell=order)
    return ds.assign_coords(cell=np.arange(ds.sizes["cell"]))


def to_dataframe(ds):
    """The per-cell part of `ds` as a pandas.DataFrame: one row per cell, its keys (store, sweep,
    /experiments columns, status) and every metric as columns."""
    keys = [c for c in ds.coords if ds[c].dims == ("cell",) and c != "cell"]
    metrics = [v for v in ds.data_vars if ds[v].dims == ("cell",)]
    frame = pd.DataFrame({k: ds[k].values for k in keys + metrics})
    return frame.set_index(pd.Index(ds["cell"].values, name="cell"))
