#!/usr/bin/env bash
# A real single-node Slurm on this machine, for testing sweeps (Debian's slurm-wlm + munge, no systemd needed).
#   scripts/slurm_local.sh up       install (apt, once), write /etc/slurm/slurm.conf, start munged, slurmctld, slurmd
#   scripts/slurm_local.sh down     stop the three daemons by their pid files
#   scripts/slurm_local.sh status   which daemons run, and sinfo
# Must run as root. Exit codes: 0 ok, 1 failure, 3 (up) Slurm cannot be installed here (no apt, no network).
# Facts that shaped it: without systemd nothing starts by itself; munged needs /run/munge owned by munge; --mem
# requests fail unless the node declares RealMemory; proctrack/linuxproc and task/none need no cgroups; there is
# no slurmdbd (so no sacct: poll squeue, or sbatch --wait).
set -euo pipefail

CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
MARK="# written by sasmlm scripts/slurm_local.sh"
STATE=/var/lib/slurm-local
LOGS=/var/log/slurm-local
MUNGE_PID=/run/munge/munged.pid
CTLD_PID=/run/slurm-local-slurmctld.pid
SLURMD_PID=/run/slurm-local-slurmd.pid
NODE="$(hostname -s)"

die() { echo "slurm_local: $*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null &&
     command -v munged >/dev/null; then
    return 0
  fi
  command -v apt-get >/dev/null || { echo "slurm_local: no apt-get on this machine" >&2; exit 3; }
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null ||
      { echo "slurm_local: apt-get install slurm-wlm munge failed" >&2; exit 3; }
  fi
}

write_config() {
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    die "$CONF exists and was not written by this script; refusing to replace it"
  fi
  local cpus mem_mb
  cpus="$(nproc)"
  # RealMemory: what the node may hand out; leave a tenth for the system.
  mem_mb="$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)"
  mkdir -p "$CONF_DIR" "$STATE/ctld" "$STATE/slurmd" "$LOGS"
  cat >"$CONF.tmp" <<EOF
$MARK
ClusterName=sasmlm-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
JobRequeue=1
SchedulerParameters=sched_interval=1
MinJobAge=300
SlurmdTimeout=60
KillWait=10
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

start_munge() {
  alive "$MUNGE_PID" && return 0
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  chmod 0755 /run/munge
  runuser -u munge -- munged --force
  for _ in $(seq 50); do alive "$MUNGE_PID" && return 0; sleep 0.1; done
  die "munged did not start (see /var/log/munge/munged.log)"
}

wait_for_node() {
  for _ in $(seq 100); do
    local state
    state="$(sinfo -h -n "$NODE" -o %t 2>/dev/null | head -1 || true)"
    case "$state" in
      idle*|mix*|alloc*) return 0 ;;
      down*|drain*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
  done
  die "node $NODE did not become idle (state '$(sinfo -h -n "$NODE" -o %t 2>/dev/null || true)'; logs in $LOGS)"
}

up() {
  install_packages
  write_config
  start_munge
  alive "$CTLD_PID" || slurmctld
  alive "$SLURMD_PID" || slurmd
  wait_for_node
  echo "slurm_local: up (node $NODE, $(nproc) CPUs, partition local)"
}

stop_pidfile() {
  local file="$1" name="$2"
  alive "$file" || { rm -f "$file"; return 0; }
  local pid
  pid="$(cat "$file")"
  kill "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
  echo "slurm_local: $name needed SIGKILL" >&2
}

down() {
  stop_pidfile "$SLURMD_PID" slurmd
  stop_pidfile "$CTLD_PID" slurmctld
  stop_pidfile "$MUNGE_PID" munged
  echo "slurm_local: down"
}

status() {
  local name file
  for name in munged slurmctld slurmd; do
    case "$name" in munged) file="$MUNGE_PID" ;; slurmctld) file="$CTLD_PID" ;; slurmd) file="$SLURMD_PID" ;; esac
    if alive "$file"; then echo "$name: running (pid $(cat "$file"))"; else echo "$name: stopped"; fi
  done
  if alive "$CTLD_PID"; then sinfo; fi
}

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
