#!/usr/bin/env bash
# Brings up a single-node SLURM cluster on this machine (munged, slurmctld, slurmd from Debian's
# slurm-wlm, started here and stopped by PID at exit), then:
#   1. submits the smoke sweep through slurm/submit and checks the store is complete and equal
#      to an mpirun run;
#   2. submits a sweep longer than its 1-minute time limit: the job must drain, requeue itself
#      and finish with a store identical to an uninterrupted run;
#   3. submits a bad sweep file: exit 2 and nothing queued.
# Where slurmd cannot run here, it says why and exits 77 (reported by ctest as skipped).
set -uo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
source "$src/tests/slurm/lib.sh"
slurm_tools_or_skip

# Configuration in this directory (SLURM_CONF), nothing written to /etc but the munge key.
host=$(hostname -s)
mem=$(slurmd -C 2>/dev/null | grep -o 'RealMemory=[0-9]*' | cut -d= -f2)
mem=$(( ${mem:-2000} > 4000 ? 4000 : ${mem:-2000} ))
mkdir -p state spool log
{
  slurm_conf_common "$dir" "$host" 127.0.0.1 16817
  cat <<CONF
SlurmdSpoolDir=$dir/spool
SlurmdPidFile=$dir/slurmd.pid
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host CPUs=$(nproc) Boards=1 SocketsPerBoard=1 CoresPerSocket=$(nproc) ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
} > slurm.conf
export SLURM_CONF=$dir/slurm.conf

cleanup() {
  kill_pidfiles "$dir/slurmd.pid" "$dir/slurmctld.pid"
  slurm_stop_munge
}
trap cleanup EXIT

slurm_start_munge
slurmctld -f "$SLURM_CONF" || skip "slurmctld does not start here: $(tail -3 log/slurmctld.log 2>/dev/null)"
slurmd -f "$SLURM_CONF" || skip "slurmd does not start here: $(tail -3 log/slurmd.log 2>/dev/null)"
for _ in $(seq 150); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 0.2; done
sinfo -h -o %T 2>/dev/null | grep -qx idle || skip "the node did not become idle: $(tail -5 log/slurmd.log 2>/dev/null)"
log "cluster up: $(sinfo -h -o '%P %D %T %C')"

same_results() { h5diff --exclude-path /timing --exclude-path /provenance "$1" "$2" > /dev/null; }

# 1. The smoke sweep through slurm/submit.
mpirun -np 3 "$bin" run "$src/sweeps/smoke.toml" --store smoke-ref.h5 --quiet || fail "reference smoke run"
t0=$SECONDS
# --overcommit: 3 ranks (1 master + 2 workers) on this 2-core node
out=$(NPDESWEEP_BIN=$bin "$src/slurm/submit" "$src/sweeps/smoke.toml" --store "$dir/smoke.h5" --ntasks 3 --time 5 \
      -- --overcommit) ||
  fail "submit exited $?: $out"
echo "$out"
job=$(echo "$out" | grep -o 'submitted job [0-9]*' | awk '{print $3}')
state=$(wait_job "$job" 180)
log "smoke job $job: $state after $((SECONDS - t0)) s"
cat npdesweep-"$job".log
[[ $state == COMPLETED ]] || fail "smoke job ended $state"
"$bin" status smoke.h5 | grep -q "4 done, 4 diverged, 0 failed, 0 pending" || fail "smoke store incomplete: $("$bin" status smoke.h5)"
same_results smoke-ref.h5 smoke.h5 || fail "the SLURM smoke store differs from the mpirun one"

# 1b. The same sweep launched by srun (PMIx direct launch) instead of mpirun.
t0=$SECONDS
out=$(NPDESWEEP_BIN=$bin "$src/slurm/submit" "$src/sweeps/smoke.toml" --store "$dir/smoke-srun.h5" --ntasks 3 --time 5 \
      --launcher srun -- --overcommit) || fail "submit --launcher srun exited $?: $out"
job=$(echo "$out" | grep -o 'submitted job [0-9]*' | awk '{print $3}')
state=$(wait_job "$job" 180)
log "srun smoke job $job: $state after $((SECONDS - t0)) s"
cat npdesweep-"$job".log
[[ $state == COMPLETED ]] || fail "srun smoke job ended $state"
same_results smoke-ref.h5 smoke-srun.h5 || fail "the srun-launched store differs from the mpirun one"

# 2. Longer than its time limit: drain, requeue, finish identical to an uninterrupted run.
long=$src/tests/slurm/long.toml
t0=$SECONDS
mpirun -np 3 "$bin" run "$long" --store long-ref.h5 --quiet || fail "reference long run"
log "uninterrupted long sweep: $((SECONDS - t0)) s"
t0=$SECONDS
out=$(NPDESWEEP_BIN=$bin NPDESWEEP_MARGIN=20 "$src/slurm/submit" "$long" --store "$dir/long.h5" --ntasks 3 --time 1 \
      -- --overcommit --signal=B:USR1@30) || fail "submit exited $?: $out"
echo "$out"
job=$(echo "$out" | grep -o 'submitted job [0-9]*' | awk '{print $3}')
state=$(wait_job "$job" 600)
n=$(restarts "$job")
log "long job $job: $state after $((SECONDS - t0)) s with $n requeues"
cat npdesweep-"$job".log
[[ $state == COMPLETED ]] || fail "long job ended $state"
(( n >= 1 )) || fail "the job was never cut off and requeued"
same_results long-ref.h5 long.h5 || fail "the requeued store differs from an uninterrupted run"

# 3. A bad sweep queues nothing.
sed 's/^epochs = 40/epochs = "forty"/' "$src/sweeps/smoke.toml" > bad.toml
before=$(squeue -h | wc -l)
code=0
NPDESWEEP_BIN=$bin "$src/slurm/submit" bad.toml --store "$dir/bad.h5" 2> err.txt || code=$?
cat err.txt
[[ $code -eq 2 ]] || fail "submit of a bad sweep exited $code, expected 2"
grep -q "bad.toml:21: training.epochs" err.txt || fail "submit did not show the sweep error"
[[ $(squeue -h | wc -l) -eq $before && ! -e bad.h5 ]] || fail "a bad sweep was queued"
echo "slurm_cluster: all checks passed"
