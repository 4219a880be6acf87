#!/usr/bin/env bash
# A cell that throws is recorded as failed with its message while the others complete (exit 1);
# a plain resume keeps it failed (exit 1); --retry-failed runs it again and the store then equals
# an uninterrupted run.
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
echo "sweep_failed: all checks passed"
