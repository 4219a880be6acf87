"""Running the npdesweep binary from the Python scripts (plot-store, report): which binary, and
its output, with one clear message when it fails."""
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
