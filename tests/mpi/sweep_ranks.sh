#!/usr/bin/env bash
# smoke.toml with 2, 3 and 5 ranks: every cell finished, forward1 cells recorded as diverged,
# and the three stores' result datasets identical.
source "$(dirname "$0")/common.sh"
for np in 2 3 5; do
  sweep $np s$np.h5 || fail "np=$np exited $?"
done
codes=$(status_codes s3.h5)
[[ "$(echo $codes)" == "1 1 3 3 1 1 3 3" ]] || fail "status codes '$codes', expected done for backward1, diverged for forward1"
same_results s2.h5 s3.h5 || fail "2 and 3 ranks differ"
same_results s3.h5 s5.h5 || fail "3 and 5 ranks differ"
h5dump -a /status/message s3.h5 > /dev/null 2>&1 || true
h5dump -d /status/message s3.h5 | grep -q "truth blew up" || fail "diverged cells lack their message"
[[ $(journal_ids s5.h5 | sort -u | wc -l) -eq 8 ]] || fail "journal does not hold 8 cells"
# A rerun finds nothing to do and changes nothing.
cp s3.h5 before.h5
sweep 3 s3.h5 || fail "rerun exited $?"
same_results before.h5 s3.h5 || fail "a rerun changed the store"
[[ $(journal_ids s3.h5 | wc -l) -eq 8 ]] || fail "a rerun ran cells again"
# MPI-IO hints reach the store's file (here through ROMIO, which reads them): same results.
NPDESWEEP_MPIIO_HINTS="romio_ds_write=disable,romio_cb_write=enable" \
  mpirun -x NPDESWEEP_MPIIO_HINTS --mca io romio321 -np 3 "$bin" run "$smoke" --store hints.h5 --quiet ||
  fail "run with MPI-IO hints exited $?"
same_results s3.h5 hints.h5 || fail "the store written with MPI-IO hints differs"
code=0
NPDESWEEP_MPIIO_HINTS="romio_ds_write" mpirun -x NPDESWEEP_MPIIO_HINTS -np 3 "$bin" run "$smoke" --store badhints.h5 \
  2> err.txt || code=$?
[[ $code -eq 2 && ! -e badhints.h5 ]] && grep -q "NPDESWEEP_MPIIO_HINTS: 'romio_ds_write' is not key=value" err.txt ||
  fail "malformed NPDESWEEP_MPIIO_HINTS: exit $code, $(head -1 err.txt)"
echo "sweep_ranks: all checks passed"
