#!/usr/bin/env bash
# A cell that throws is recorded as failed with its message while the others complete (exit 1);
# a plain resume keeps it failed (exit 1); --retry-failed runs it again and the store then equals
# an uninterrupted run. A cell whose process crashes (NPDESWEEP_INJECT_CRASH: a SIGSEGV in the
# cell) is failed the same way, with how its process ended, and its worker goes on; a training
# IC that is uniform (u = 1: the closure fit has no columns) finishes as data.
source "$(dirname "$0")/common.sh"
sweep 3 reference.h5 || fail "reference run exited $?"
code=0
NPDESWEEP_INJECT_FAILURE="smoke:N24:backward1:central2:step(A=2):r0" sweep 3 s.h5 || code=$?
[[ $code -eq 1 ]] || fail "exit $code with a failed cell, expected 1"
codes=$(status_codes s.h5)
[[ "$(echo $codes)" == "1 1 3 3 1 2 3 3" ]] || fail "status codes '$codes'"
h5dump -d /status/message s.h5 | grep -q "injected failure" || fail "the failure message is not stored"
code=0; sweep 3 s.h5 || code=$?
[[ $code -eq 1 ]] || fail "resume without --retry-failed exited $code, expected 1"
sweep 3 s.h5 --retry-failed || fail "--retry-failed exited $?"
same_results reference.h5 s.h5 || fail "store after --retry-failed differs from an uninterrupted run"
# A crash in a cell: the cell is failed with the signal, the worker and the sweep go on.
code=0
NPDESWEEP_INJECT_CRASH="smoke:N24:backward1:central2:step(A=2):r0" sweep 3 crash.h5 2> crash.err || code=$?
[[ $code -eq 1 ]] || { cat crash.err; fail "exit $code with a crashed cell, expected 1"; }
codes=$(status_codes crash.h5)
[[ "$(echo $codes)" == "1 1 3 3 1 2 3 3" ]] || fail "status codes after a crash '$codes'"
"$bin" status crash.h5 > crash-status.txt
grep -q "the cell's process \(was killed by signal [0-9]*\|ended with exit code\)" crash-status.txt ||
  fail "the crashed cell's message: $(cat crash-status.txt)"
sweep 3 crash.h5 --retry-failed || fail "--retry-failed after a crash exited $?"
same_results reference.h5 crash.h5 || fail "store after a crash and --retry-failed differs from an uninterrupted run"

# A uniform training field (a step of amplitude 1 is u = 1 everywhere): every cell finishes.
sed -e 's/^name = "smoke"/name = "uniform"/' -e 's/^ic = .*/ic = [ { kind = "step", amplitude = 1.0 } ]/' \
  -e 's/^train_stencil = .*/train_stencil = ["backward1"]/' "$smoke" > uniform.toml
code=0; SWEEP=uniform.toml sweep 3 uniform.h5 2> uniform.err || code=$?
[[ $code -eq 0 ]] || { cat uniform.err; fail "the uniform-field sweep exited $code"; }
"$bin" status uniform.h5 | grep -q "cells 4: 4 done" || fail "the uniform-field sweep: $("$bin" status uniform.h5)"
echo "sweep_failed: all checks passed"
