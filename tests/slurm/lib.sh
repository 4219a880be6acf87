# Shared helpers of the SLURM tests (sourced): munged, the configuration's common part, and
# waiting for jobs without timing assumptions. Every daemon is stopped by the PID it wrote.
#
#   slurm_tools_or_skip            exit 77 (skipped, with the reason) where SLURM cannot run
#   slurm_start_munge              starts munged unless one runs (stopped at exit if started here)
#   slurm_conf_common DIR CTLHOST CTLADDR PORT  the slurm.conf lines every test shares
#   wait_job ID SECONDS            prints the job's final state once it has really ended
#   restarts ID                    how often the job was requeued
#   job_log_decisions ID           sweep.sbatch's decisions in the job's log

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*"; }

slurm_tools_or_skip() {
  for c in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
    command -v "$c" > /dev/null || skip "$c is not installed (apt-get install slurm-wlm slurmctld slurmd slurm-client munge)"
  done
  [[ $(id -u) -eq 0 ]] || skip "starting munged and slurmd needs root"
}

_started_munge=0
slurm_start_munge() {
  mkdir -p /run/munge && chown munge:munge /run/munge 2> /dev/null
  if [[ ! -s /etc/munge/munge.key ]]; then
    mungekey --create --keyfile=/etc/munge/munge.key 2> /dev/null || skip "cannot create a munge key"
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  fi
  if ! { [[ -s /run/munge/munged.pid ]] && kill -0 "$(cat /run/munge/munged.pid)" 2> /dev/null; }; then
    runuser -u munge -- /usr/sbin/munged || skip "munged does not start here"
    _started_munge=1
  fi
}
slurm_stop_munge() {
  (( _started_munge )) && [[ -s /run/munge/munged.pid ]] && kill "$(cat /run/munge/munged.pid)" 2> /dev/null
  return 0
}

# kill_pidfiles FILE...: SIGTERM to the daemons whose PIDs the files hold, then SIGKILL to any
# still there after 5 s (never by name: other clusters may run on this machine).
kill_pidfiles() {
  local f pids=()
  for f in "$@"; do [[ -s $f ]] && pids+=("$(cat "$f")"); done
  ((${#pids[@]})) || return 0
  kill "${pids[@]}" 2> /dev/null
  for _ in $(seq 50); do kill -0 "${pids[@]}" 2> /dev/null || return 0; sleep 0.1; done
  kill -9 "${pids[@]}" 2> /dev/null
  return 0
}

slurm_conf_common() {
  local dir=$1 ctl_host=$2 ctl_addr=$3 port=$4
  cat <<CONF
ClusterName=npdesweep-test
SlurmctldHost=$ctl_host($ctl_addr)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmctldPidFile=$dir/slurmctld.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SwitchType=switch/none
KillWait=30
MinJobAge=600
MailProg=/bin/true
CONF
}

_job_field() { scontrol show job "$1" 2> /dev/null | grep -o "$2=[^ ]*" | head -1 | cut -d= -f2; }
restarts() { _job_field "$1" Restarts; }

# wait_job ID SECONDS: waits until the job has ended for good and prints its final state.
# - Ended for good: SLURM reports a final state and sweep.sbatch's last word in the job's log
#   (npdesweep-ID.log in the current directory) is a "final:" line, not "requeueing". A requeue
#   passes through states that look final, and SLURM may requeue a job on its own (node
#   failure), so neither the state nor the log alone tells.
# - A requeued job waits about two minutes (Reason=BeginTime). It is released early, but only
#   once it has been PENDING for 3 s: released in the same second as the requeue, slurmd still
#   holds the revoked credential of the previous run and slurmctld kills the job ("Job
#   credential revoked"; revocations are compared in whole seconds).
# - RELEASE_WHEN, if set, is a command that must succeed before a requeued job is released
#   (the node-failure test waits until slurmctld has marked the dead node down).
wait_job() {
  local id=$1 limit=$2 start=$SECONDS state reason pending_since=""
  while (( SECONDS - start < limit )); do
    state=$(_job_field "$id" JobState)
    reason=$(_job_field "$id" Reason)
    case $state in
      COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
        pending_since=""
        if job_log_decisions "$id" | grep -E '\] final:|; requeueing \(restart' | tail -1 | grep -q '\] final:'; then
          echo "$state"
          return 0
        fi ;;
      PENDING)
        [[ -z $pending_since ]] && pending_since=$SECONDS
        if [[ $reason == BeginTime ]] && (( SECONDS - pending_since >= 3 )) && eval "${RELEASE_WHEN:-true}"; then
          scontrol update JobId="$id" StartTime=now 2> /dev/null
          pending_since=$SECONDS  # at most one release every 3 s
        fi ;;
      *) pending_since="" ;;
    esac
    sleep 0.5
  done
  echo "TIMEOUT_WAITING"
}

job_log_decisions() { grep -o '\[sweep.sbatch .*' "npdesweep-$1.log" 2> /dev/null; }
