#!/usr/bin/env bash
# A SLURM cluster of simulated nodes (tests/nodes/cluster.sh): one slurmctld on the bridge and
# one slurmd per node namespace (own address, hostname node1..node4 and monotonic clock each),
# munged shared, the store on the shared file system. On it:
#   1. the smoke sweep submitted with slurm/submit across --nodes 3: ranks on three different
#      hosts, the store equal to a single-node run's;
#   2. a sweep longer than its 1-minute limit across 3 nodes: it drains at the limit (the budget
#      measured on each node's own clock), requeues itself until complete, and equals an
#      uninterrupted single-node run;
#   3. a node failure: every process of one of the job's nodes (its slurmd, the MPI daemon and
#      the ranks there) killed mid-sweep; the job is requeued and the next allocation, on the
#      remaining nodes, completes the sweep, equal to the single-node run, no committed cell
#      lost, none committed twice.
# Exit 77 (skipped) only where SLURM or the namespaces cannot run here, with the reason.
set -uo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
source "$src/tests/slurm/lib.sh"
source "$src/tests/nodes/cluster.sh"
slurm_tools_or_skip

cleanup() {
  local pidfiles=("$dir"/slurmd-node*.pid "$dir/slurmctld.pid")
  kill_pidfiles "${pidfiles[@]}"
  nodes_down
  slurm_stop_munge
}
trap cleanup EXIT

nodes=4
code=0
nodes_up nps $nodes > nodes.txt 2>&1 || code=$?
(( code == 0 )) || { (( code == 77 )) && skip "$(cat nodes.txt)"; fail "could not make the nodes: $(cat nodes.txt)"; }

mkdir -p state log
for ((i = 1; i <= nodes; i++)); do mkdir -p spool/node$i; done
{
  slurm_conf_common "$dir" ctl $NODE_NET.1 16827
  cat <<CONF
SlurmdSpoolDir=$dir/spool/%n
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmdLogFile=$dir/log/slurmd-%n.log
SlurmdTimeout=10
CONF
  for ((i = 1; i <= nodes; i++)); do
    echo "NodeName=node$i NodeAddr=$NODE_NET.1$i CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=1000 State=UNKNOWN"
  done
  echo "PartitionName=sim Nodes=node[1-$nodes] Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4"
} > slurm.conf
export SLURM_CONF=$dir/slurm.conf

slurm_start_munge
# slurmctld insists that its hostname is SlurmctldHost: a UTS namespace of its own.
unshare --uts --fork sh -c "hostname ctl; exec slurmctld -f $SLURM_CONF" ||
  skip "slurmctld does not start here: $(tail -3 log/slurmctld.log 2> /dev/null)"
start_slurmd() { node_exec "$1" slurmd -f "$SLURM_CONF" -N "node$1"; }
for ((i = 1; i <= nodes; i++)); do
  start_slurmd $i || skip "slurmd does not start on node$i: $(tail -3 log/slurmd-node$i.log 2> /dev/null)"
done
for _ in $(seq 100); do [[ $(sinfo -h -N -o %T 2> /dev/null | grep -cx idle) -eq $nodes ]] && break; sleep 0.2; done
[[ $(sinfo -h -N -o %T 2> /dev/null | grep -cx idle) -eq $nodes ]] ||
  skip "the nodes did not become idle: $(sinfo -N 2>&1; tail -3 log/slurmd-node1.log)"
log "cluster up: $(sinfo -h -o '%P %D %T %N')"

same_results() { h5diff --exclude-path /timing --exclude-path /provenance "$1" "$2" > /dev/null; }
journal_ids() { tail -n +2 "$1.d/journal" | awk '{print $1}'; }
# submit_job ARGS...: slurm/submit with ARGS; prints the job id
submit_job() {
  local out
  out=$(NPDESWEEP_BIN=$bin "$src/slurm/submit" "$@") || fail "submit $* exited $?: $out"
  echo "$out" >&2
  echo "$out" | grep -o 'submitted job [0-9]*' | awk '{print $3}'
}
# hosts_of JOB: the "hosts:" lines npdesweep printed in the job's allocations, one per line
hosts_of() { grep -o 'hosts: .*' "npdesweep-$1.log"; }
long=$src/tests/slurm/long.toml

# 1. The smoke sweep across 3 nodes.
mpirun -np 3 "$bin" run "$src/sweeps/smoke.toml" --store smoke-ref.h5 --quiet || fail "reference smoke run"
t0=$SECONDS
job=$(submit_job "$src/sweeps/smoke.toml" --store "$dir/smoke.h5" --nodes 3 --ntasks 4 --time 5 -- --overcommit)
state=$(wait_job "$job" 180)
log "1. smoke job $job: $state after $((SECONDS - t0)) s on $(hosts_of "$job")"
[[ $state == COMPLETED ]] || { cat "npdesweep-$job.log"; fail "smoke job ended $state"; }
hosts_of "$job" | grep -qx 'hosts: node1 (ranks 0-1), node2 (rank 2), node3 (rank 3)' ||
  { cat "npdesweep-$job.log"; fail "the ranks were not spread over node1..node3"; }
same_results smoke-ref.h5 smoke.h5 || fail "the 3-node SLURM smoke store differs from the single-node one"

# 2. Cut off by its time limit across 3 nodes, requeued until complete. A 2-minute job whose
#    service budget (NPDESWEEP_MARGIN=100 before the end) drains it about 20 s in; the batch
#    signal is asked for 1 s before the end, which SLURM may send up to 60 s early: after the
#    budget's drain either way, so the drain seen is the service's own.
t0=$SECONDS
mpirun -np 3 "$bin" run "$long" --store long-ref.h5 --quiet || fail "reference long run"
log "uninterrupted single-node long sweep: $((SECONDS - t0)) s"
t0=$SECONDS
job=$(NPDESWEEP_MARGIN=100 submit_job "$long" --store "$dir/long.h5" --nodes 3 --ntasks 4 --time 2 \
      -- --overcommit --signal=B:USR1@1)
state=$(wait_job "$job" 600)
n=$(restarts "$job")
log "2. long job $job: $state after $((SECONDS - t0)) s with $n requeues"
job_log_decisions "$job"
grep -E 'time limit near|signal received' "npdesweep-$job.log"
[[ $state == COMPLETED ]] || { cat "npdesweep-$job.log"; fail "long job ended $state"; }
(( n >= 1 )) || fail "the job was never cut off and requeued"
grep -q 'time limit near after' "npdesweep-$job.log" || fail "the drain did not come from the service's budget"
[[ $(hosts_of "$job" | sort -u) == 'hosts: node1 (ranks 0-1), node2 (rank 2), node3 (rank 3)' ]] ||
  fail "an allocation did not spread its ranks over node1..node3: $(hosts_of "$job")"
same_results long-ref.h5 long.h5 || fail "the requeued 3-node store differs from an uninterrupted run"
[[ $(journal_ids long.h5 | wc -l) -eq 12 && $(journal_ids long.h5 | sort -u | wc -l) -eq 12 ]] ||
  fail "the journal does not hold each of the 12 cells exactly once"

# 3. Node failure: every process of node3 killed mid-sweep.
t0=$SECONDS
job=$(submit_job "$long" --store "$dir/failed-node.h5" --nodes 3 --ntasks 4 --time 10 -- --overcommit)
for _ in $(seq 600); do
  (( $( (journal_ids failed-node.h5 2> /dev/null || true) | wc -l) >= 3 )) && break
  sleep 0.2
done
before=$(journal_ids failed-node.h5 | wc -l)
(( before >= 3 && before < 12 )) || fail "node failure: $before cells committed when node3 was to fail"
victims=$(node_pids 3 | tr '\n' ' ')
log "3. node3 fails $((SECONDS - t0)) s in, after $before commits: SIGKILL to its processes $victims"
ps -o pid=,args= -p "$(echo $victims | tr ' ' ',')" | cut -c1-110
node_kill 3
# The requeued job is released only once slurmctld has noticed (SlurmdTimeout=10): until then
# it would count node3 as usable and the next allocation could land on it.
RELEASE_WHEN='sinfo -h -n node3 -o %T | grep -q "^down"'
state=$(wait_job "$job" 600)
n=$(restarts "$job")
log "3. job $job: $state after $((SECONDS - t0)) s with $n requeues; node3 $(sinfo -h -n node3 -o %T)"
job_log_decisions "$job"
hosts_of "$job"
[[ $state == COMPLETED ]] || { cat "npdesweep-$job.log"; fail "the job ended $state after the node failure"; }
(( n >= 1 )) || fail "the job was not requeued after the node failure"
hosts_of "$job" | tail -1 | grep -q node3 && fail "the allocation after the failure used the dead node3"
same_results long-ref.h5 failed-node.h5 || fail "the store after the node failure differs from an uninterrupted run"
ids=$(journal_ids failed-node.h5 | wc -l)
unique=$(journal_ids failed-node.h5 | sort -u | wc -l)
[[ $ids -eq 12 && $unique -eq 12 ]] || fail "node failure: journal has $ids commits of $unique cells (want 12 of 12)"
log "3. node failure: $before cells committed before, none lost, none committed twice, store identical"
echo "slurm_nodes: all checks passed"
