#!/usr/bin/python3
"""Walks a sweep store with h5py and checks it against the table "Every object" of docs/store.md.

Both ways: every group and dataset of the store matches a row of the table, and every row is
present (each `/results/<group>/...` row in every results group; `/experiments/<axis>` once per
dotted axis the store lists). For each object: its type, axis labels, units and attributes are
the documented ones, every dataset has a description, and every text attribute reads as a
fixed-length UTF-8 string (docs/store.md says why not variable-length). Then what the layout promises of the values: `recorded` is
-1 for rows not written and positive for every dataset of a done cell; integer columns hold
integers; the dimension scales are attached where the axes say.

  check_store_layout.py STORE.h5 docs/store.md

Exit 0 if the store is as documented, 1 with one line per difference otherwise.
"""
import re
import sys

import h5py
import numpy as np

# Attributes HDF5's dimension-scale API keeps (h5py reads CLASS and NAME as bytes: HDF5 writes
# them, not npdesweep); allowed on any dataset in addition to the documented ones.
HDF5_OWN = {"DIMENSION_LABELS", "DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"}
# netCDF-4's (CF's) attributes, allowed on any dataset and checked below: `_Encoding` on text
# (xarray then reads str, not bytes), `coordinates` naming an axis's second coordinate.
NETCDF_OWN = {"_Encoding", "coordinates"}


def table(doc_path, heading, first):
    """The rows of the first table under `heading` whose first cell starts with `first`, as lists of cells."""
    text = open(doc_path).read()
    section = text[text.index(heading):]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `" + first):
            if rows and not line.startswith("|"):
                break
            continue
        rows.append([c.strip().replace("\0", "|") for c in line.replace("\\|", "\0").split("|")[1:-1]])
    return rows


def coordinates(doc_path):
    """The table "### Coordinates": (name, along) -> {type, units}."""
    return {(c[0].strip("`"), c[3].strip("`")): {"type": c[1], "units": c[2]}
            for c in table(doc_path, "### Coordinates", "")}


def documented(doc_path):
    rows = []
    for cells in table(doc_path, "### Every object", "/"):
        path, kind, axes, units, attributes = (cells + [""] * 5)[:5]
        rows.append({
            "path": path.strip("`"),
            "type": kind,
            "axes": [a.strip() for a in axes.split(",")] if axes else [],
            "units": units,
            "attributes": re.findall(r"`([^`]+)`", attributes),
            "optional": "(only when" in attributes,  # a solution field: in the groups that keep it
        })
    return rows


def pattern(path):
    p = re.escape(path).replace(re.escape("<group>"), r"N\d+(?:-\d+)?").replace(re.escape("<axis>"), r"[^/]+")
    return re.compile("^" + p + "$")


def dtype_name(d):
    if h5py.check_string_dtype(d.dtype) is not None:
        info = h5py.check_string_dtype(d.dtype)
        return "text" if info.length is not None and info.encoding == "utf-8" else f"string {info}"
    return str(d.dtype)


def main():
    store, doc = sys.argv[1], sys.argv[2]
    rows = documented(doc)
    coords = coordinates(doc)
    if len(coords) < 10:
        print(f"{doc}: found only {len(coords)} rows under 'Coordinates'")
        return 1
    aux_of = {along: name for name, along in coords if along != name}
    axes_documented = {along for _, along in coords}
    coordinate_names = {name for name, _ in coords}
    if len(rows) < 40:
        print(f"{doc}: found only {len(rows)} rows under 'Every object'")
        return 1
    problems = []
    f = h5py.File(store, "r")
    axes_listed = f["experiments"].attrs["axes"].decode().split("\n") if "axes" in f["experiments"].attrs else []
    seen = {r["path"]: 0 for r in rows}
    groups = sorted(f["results"].keys())

    def row_of(path):
        exact = [r for r in rows if r["path"] == path]
        if exact:
            return exact[0]
        for r in rows:
            if "<" in r["path"] and pattern(r["path"]).match(path):
                if r["path"] == "/experiments/<axis>" and path.split("/")[-1] not in axes_listed:
                    continue  # a column the `axes` attribute does not list is undocumented
                return r
        return None

    def check_attributes(path, obj, row):
        allowed = set(row["attributes"]) | {"description", "long_name", "units"} | (HDF5_OWN if isinstance(obj, h5py.Dataset) else set())
        if isinstance(obj, h5py.Dataset):
            allowed |= NETCDF_OWN
        for name in obj.attrs:
            if name not in allowed:
                problems.append(f"{path}: attribute {name} is not documented")
        for name in row["attributes"]:
            if name in HDF5_OWN:
                continue  # listed for the reader; their presence is the scales' check below
            if name not in obj.attrs and not (path == "/experiments" and not axes_listed):
                problems.append(f"{path}: attribute {name} missing")
        for name, value in obj.attrs.items():
            if name in HDF5_OWN or name in NETCDF_OWN:
                continue
            info = h5py.check_string_dtype(obj.attrs.get_id(name).dtype)
            if info is not None and (info.length is None or info.encoding != "utf-8"):
                problems.append(f"{path}: attribute {name} is not fixed-length UTF-8 text ({info})")

    used = {}  # group -> axes its datasets use (coordinates excluded)
    coordinate_sets = []

    def check_coordinate(path, obj):
        """A coordinate of the table "Coordinates": type, units, axis, and a dimension scale if it names its axis."""
        name = path.rsplit("/", 1)[1]
        along = obj.dims[0].label if obj.ndim == 1 else None
        if (name, along) not in coords:
            problems.append(f"{path}: a coordinate along {along!r}, which the table Coordinates does not list")
            return
        c = coords[(name, along)]
        kind = dtype_name(obj)
        if kind != c["type"]:
            problems.append(f"{path}: type {kind}, documented {c['type']}")
        units = obj.attrs.get("units")
        units = units.decode() if isinstance(units, bytes) else units
        if (c["units"] or None) != units:
            problems.append(f"{path}: units {units!r}, documented {c['units']!r}")
        is_scale = obj.attrs.get("CLASS") == b"DIMENSION_SCALE"
        if is_scale != (along == name):
            problems.append(f"{path}: {'a' if is_scale else 'not a'} dimension scale")
        if not obj.attrs.get("description"):
            problems.append(f"{path}: no description")
        if obj.attrs.get("long_name") != obj.attrs.get("description"):
            problems.append(f"{path}: CF's long_name is not its description")
        coordinate_sets.append((path, along))

    def visit(name, obj):
        path = "/" + name
        row = row_of(path)
        if row is None and isinstance(obj, h5py.Dataset) and path.rsplit("/", 1)[1] in coordinate_names:
            check_coordinate(path, obj)
            return
        if isinstance(obj, h5py.Dataset):
            used.setdefault(obj.parent.name, set()).update(d.label for d in obj.dims)
        if row is None:
            problems.append(f"{path}: not in the table of {doc}")
            return
        seen[row["path"]] += 1
        check_attributes(path, obj, row)
        if isinstance(obj, h5py.Group):
            if row["type"] != "group":
                problems.append(f"{path}: a group, documented as {row['type']}")
            return
        kind = dtype_name(obj)
        if kind not in row["type"].split("|"):
            problems.append(f"{path}: type {kind}, documented {row['type']}")
        labels = [d.label for d in obj.dims]
        if labels != row["axes"]:
            problems.append(f"{path}: axes {labels}, documented {row['axes']}")
        if not obj.attrs.get("description"):
            problems.append(f"{path}: no description")
        if obj.attrs.get("long_name") != obj.attrs.get("description"):
            problems.append(f"{path}: CF's long_name is not its description")
        units = obj.attrs.get("units")
        units = units.decode() if isinstance(units, bytes) else units
        want = row["units"] if kind != "text" else ""
        if want and units != want:
            problems.append(f"{path}: units {units!r}, documented {want!r}")
        if not want and units is not None:
            problems.append(f"{path}: units {units!r} where none is documented (text, flags)")
        if kind == "text" and obj.attrs.get("_Encoding") != b"utf-8":
            problems.append(f"{path}: text without _Encoding utf-8 (xarray would read bytes)")
        # Every axis has its coordinate variable in the dataset's own group, attached as its scale,
        # and the dataset names the axis's second coordinate (time, cell) in `coordinates`.
        group = obj.parent.name.rstrip("/")
        expected_aux = []
        for k, label in enumerate(labels):
            if label not in axes_documented:
                problems.append(f"{path}: axis {label} has no row in the table Coordinates")
                continue
            scale = obj.dims[k]
            if len(scale) != 1 or scale[0].name != f"{group}/{label}":
                problems.append(f"{path}: axis {k} ({label}) has no {group}/{label} scale attached")
            if label in aux_of:
                expected_aux.append(aux_of[label])
        got = obj.attrs.get("coordinates")
        got = got.decode().split() if got is not None else []
        if got != expected_aux:
            problems.append(f"{path}: attribute coordinates {got}, expected {expected_aux}")

    check_attributes("/", f, row_of("/"))
    seen["/"] += 1
    f.visititems(visit)

    # Both ways: a coordinate for each axis a group uses (and its second coordinate), and none that no dataset uses.
    for group, axes in used.items():
        for axis in axes:
            for name in [axis] + ([aux_of[axis]] if axis in aux_of else []):
                if axis in axes_documented and (f"{group.rstrip('/')}/{name}", axis) not in coordinate_sets:
                    problems.append(f"{group}: its datasets use the axis {axis} but it has no coordinate {name}")
    for path, along in coordinate_sets:
        group = path.rsplit("/", 1)[0]
        if along not in used.get(group or "/", set()):
            problems.append(f"{path}: a coordinate no dataset of its group uses")

    for r in rows:
        expected = len(groups) if r["path"].startswith("/results/<group>") else len(axes_listed) if "<axis>" in r["path"] else 1
        if r["optional"] and seen[r["path"]] <= expected:
            continue  # the groups that keep solution fields have them: checked below
        if seen[r["path"]] != expected:
            problems.append(f"{r['path']}: documented, found {seen[r['path']]} times in the store (expected {expected})")

    # What the layout promises of the values.
    codes = f["status/code"][...]
    ex = f["experiments"]
    for key in ("id", "resolution", "replicate", "seed", "row", "in_view"):
        if ex[key].dtype.kind != "i":
            problems.append(f"/experiments/{key}: not integers")
    for i, code in enumerate(codes):
        g = f["results/" + ex["group"].asstr()[i]]
        recorded = g["recorded"][ex["row"][i]]
        if code == 0 and np.any(recorded != -1):
            problems.append(f"cell {i} is pending but its row of recorded is {recorded}")
        if code == 1 and np.any(recorded <= 0):
            problems.append(f"cell {i} is done but its row of recorded is {recorded}")
        if code in (2, 3) and np.any(recorded < 0):
            problems.append(f"cell {i} is finished but its row of recorded is {recorded}")
        for k, path in enumerate(g["recorded"].attrs["datasets"].decode().split("\n")):
            if recorded[k] > 0 and recorded[k] != np.prod(g[path].shape[1:]) and path != "training/loss" and path != "training/update_loss":
                problems.append(f"cell {i}: recorded {recorded[k]} elements of {path}, whose row has {np.prod(g[path].shape[1:])}")
    for name in groups:
        g = f["results/" + name]
        if "rollout/test_ic" in g and g["rollout/test_ic"].shape[0] != g["rollout/relative_l2_error"].shape[1]:
            problems.append(f"{g.name}/rollout/test_ic: {g['rollout/test_ic'].shape[0]} labels for the test_ic axis")
        # Solution fields come as pairs (truth beside rollout), and `fields` holds at least one pair.
        if "fields" in g:
            for truth, model in (("truth", "rollout"), ("training_truth", "training_rollout")):
                if (f"fields/{truth}" in g) != (f"fields/{model}" in g):
                    problems.append(f"{g.name}/fields: has one of {truth} and {model} without the other")
            if "fields/truth" not in g:
                problems.append(f"{g.name}/fields: no fields/truth and fields/rollout")
        widths = list(g["weights"].attrs["widths"])
        kind = g["weights"].attrs["kind"].decode() if "kind" in g["weights"].attrs else "?"
        params = g["weights/final"].shape[1]
        pairs = range(len(widths) - 1)
        if kind == "mlp":
            if widths[0] != int(name[1:].split("-")[0]) or params != sum(widths[k + 1] * (widths[k] + 1) for k in pairs):
                problems.append(f"{g.name}/weights: widths {widths} do not give its parameters")
        elif kind == "cnn":
            # channels per layer; each layer out x in x K weights and out biases, one odd K
            taps = (params - sum(widths[k + 1] for k in pairs)) / sum(widths[k] * widths[k + 1] for k in pairs)
            if widths[0] != 1 or widths[-1] != 1 or taps != int(taps) or int(taps) % 2 != 1 or \
                    f"kernel width {int(taps)} " not in g["weights"].attrs["layout"].decode():
                problems.append(f"{g.name}/weights: channels {widths} and its layout do not give its parameters")
        else:
            problems.append(f"{g.name}/weights@kind: {kind}, not mlp or cnn")

    for line in problems:
        print(f"{store}: {line}")
    print(f"{store}: {'as documented' if not problems else str(len(problems)) + ' differences from'} {doc}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
