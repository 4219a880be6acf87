"""Running the npdesweep binary from the Python scripts (plot-store, report): which binary, and
its output, with one clear message when it fails."""
import json
import os
import shutil
import subprocess


def binary(fail):
    """$NPDESWEEP, else build/npdesweep beside this script's directory, else npdesweep on PATH."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "npdesweep")
    for candidate in (os.environ.get("NPDESWEEP"), here, shutil.which("npdesweep")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    fail("needs the npdesweep binary: set NPDESWEEP, build it (scripts/test), or put it on PATH")


def run(arguments, fail):
    """npdesweep ARGUMENTS' standard output; fail(its message) when it exits non-zero."""
    r = subprocess.run([binary(fail)] + arguments, capture_output=True, text=True)
    if r.returncode != 0:
        fail(r.stderr.strip() or f"npdesweep {' '.join(arguments)} exited {r.returncode}")
    return r.stdout


NONFINITE = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


def _not_strict(constant):
    raise ValueError(f"npdesweep wrote {constant}, which is not JSON")


def loads(text):
    """npdesweep's JSON (`--format json`, one line of `--format jsonl`) as Python values. The text
    is strict JSON (RFC 8259; a bare NaN or Infinity is refused here), and the strings "inf",
    "-inf" and "nan" that stand for the numbers JSON cannot spell become those floats again."""
    def numbers(o):
        if isinstance(o, dict):
            return {k: numbers(v) for k, v in o.items()}
        if isinstance(o, list):
            return [numbers(v) for v in o]
        return NONFINITE.get(o, o) if isinstance(o, str) else o
    return numbers(json.loads(text, parse_constant=_not_strict))
