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


def documented(doc_path):
    text = open(doc_path).read()
    section = text[text.index("### Every object"):]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `/"):
            if rows and not line.startswith("|"):
                break
            continue
        cells = [c.strip().replace("\0", "|") for c in line.replace("\\|", "\0").split("|")[1:-1]]
        path, kind, axes, units, attributes = (cells + [""] * 5)[:5]
        rows.append({
            "path": path.strip("`"),
            "type": kind,
            "axes": [a.strip() for a in axes.split(",")] if axes else [],
            "units": units,
            "attributes": re.findall(r"`([^`]+)`", attributes),
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
        allowed = set(row["attributes"]) | {"description", "units"} | (HDF5_OWN if isinstance(obj, h5py.Dataset) else set())
        for name in obj.attrs:
            if name not in allowed:
                problems.append(f"{path}: attribute {name} is not documented")
        for name in row["attributes"]:
            if name in HDF5_OWN:
                continue  # listed for the reader; their presence is the scales' check below
            if name not in obj.attrs and not (path == "/experiments" and not axes_listed):
                problems.append(f"{path}: attribute {name} missing")
        for name, value in obj.attrs.items():
            if name in HDF5_OWN:
                continue
            info = h5py.check_string_dtype(obj.attrs.get_id(name).dtype)
            if info is not None and (info.length is None or info.encoding != "utf-8"):
                problems.append(f"{path}: attribute {name} is not fixed-length UTF-8 text ({info})")

    def visit(name, obj):
        path = "/" + name
        row = row_of(path)
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
        units = obj.attrs.get("units")
        units = units.decode() if isinstance(units, bytes) else units
        want = row["units"] if kind != "text" else ""
        if want and units != want:
            problems.append(f"{path}: units {units!r}, documented {want!r}")
        if not want and units is not None:
            problems.append(f"{path}: units {units!r} on text (text has none)")

    check_attributes("/", f, row_of("/"))
    seen["/"] += 1
    f.visititems(visit)

    for r in rows:
        expected = len(groups) if r["path"].startswith("/results/<group>") else len(axes_listed) if "<axis>" in r["path"] else 1
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
        for path in ("rollout/relative_l2_error", "jacobian/model/spectral_radius"):
            scale = g[path].dims[1]
            if len(scale) != 1 or scale[0].name != g["rollout/test_ic"].name:
                problems.append(f"{g[path].name}: its test_ic axis has no rollout/test_ic scale")
        if len(g["rollout/relative_l2_error"].dims[2]) != 1:
            problems.append(f"{g.name}/rollout/relative_l2_error: its step axis has no time scale")
        if g["rollout/test_ic"].shape[0] != g["rollout/relative_l2_error"].shape[1]:
            problems.append(f"{g.name}/rollout/test_ic: {g['rollout/test_ic'].shape[0]} labels for the test_ic axis")
        widths = list(g["weights"].attrs["widths"])
        if widths[0] != int(name[1:].split("-")[0]) or g["weights/final"].shape[1] != sum(
                widths[k + 1] * (widths[k] + 1) for k in range(len(widths) - 1)):
            problems.append(f"{g.name}/weights: widths {widths} do not give its parameters")

    for line in problems:
        print(f"{store}: {line}")
    print(f"{store}: {'as documented' if not problems else str(len(problems)) + ' differences from'} {doc}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
