#!/usr/bin/env bash
# A 4-point sweep on a real single-node Slurm (scripts/slurm_local.sh), preemption included:
#   plan --submit -> one task gets USR1 mid-run (as Slurm does before a time limit) -> it checkpoints, exits 75,
#   requeues itself and resumes -> all four runs done -> its final loss equals an uninterrupted run's -> report.
# usage: test_slurm_sweep.sh /path/to/sasmlm        Exit 77 (skipped) when Slurm cannot be installed or started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SASMLM="$(realpath "${1:?usage: $0 /path/to/sasmlm}")"
PY="${SASMLM_PYTHON:-python3}"
STEPS=60
T0=$(date +%s)

trap 'echo "FAILED: line $LINENO: $BASH_COMMAND" >&2' ERR
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
say() { echo "[$(( $(date +%s) - T0 ))s] $*"; }

[ "$(id -u)" = 0 ] || skip "needs root to install and start Slurm (scripts/slurm_local.sh)"
WAS_UP=0
if "$ROOT/scripts/slurm_local.sh" status 2>/dev/null | grep -q "slurmctld: running"; then WAS_UP=1; fi
if ! UP_LOG="$("$ROOT/scripts/slurm_local.sh" up 2>&1)"; then
  echo "$UP_LOG"
  skip "Slurm cannot be installed or started on this machine (see above)"
fi
say "$UP_LOG"

W="$(mktemp -d /tmp/sasmlm_slurm_sweep.XXXXXX)"
JOB=""
cleanup() {
  [ -n "$JOB" ] && scancel "$JOB" 2>/dev/null || true
  [ "$WAS_UP" = 1 ] || "$ROOT/scripts/slurm_local.sh" down >/dev/null 2>&1 || true
  [ -n "${SASMLM_KEEP_TEST_DIRS:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
cd "$W"

"$SASMLM" synth --out synth --sentences 2000 --seed 1 --pairs 20 >/dev/null 2>&1 || fail "synth"
cat >base.yaml <<EOF
data: {train: [synth/train.conllu], dev: [synth/dev.conllu], prepared_dir: prepared, max_seq_len: 32}
tokenizer: {vocab_size: 512}
model: {preset: tiny}
trainer: {max_steps: $STEPS, batch_size: 8, lr: 0.002, warmup_steps: 5, log_every: 5, threads: 1, device: cpu}
checkpoint: {every: 30, keep_last: 2}
eval: {every: 30, max_batches: 2, uas: synth/dev.conllu, uas_max_sentences: 20, blimp: synth/blimp,
       blimp_max_pairs: 5}
logging: {level: warn}
sas:
  schedule: [{until: 20, lambda: 0.05}, {lambda: 0}]
EOF
# Prepared once here: the four tasks then only read it.
"$SASMLM" prepare --config base.yaml --log-level warn >/dev/null || fail "prepare"
cat >sweep.yaml <<EOF
base: base.yaml
out: sweep
grid:
  sas.schedule.0.until: [10, 40]
  run.seed: [1, 2]
slurm: {cpus_per_task: 1, mem: 1G, time: "10:00", signal_seconds: 60}
EOF
say "prepared; planning"
PLAN="$("$SASMLM" sweep plan sweep.yaml --submit)" || fail "sweep plan --submit"
echo "$PLAN"
JOB="$(echo "$PLAN" | sed -n 's/^submitted job \([0-9]*\) .*/\1/p')"
[ -n "$JOB" ] || fail "no job id in the plan output"
[ "$(grep -c "\"job_id\":\"$JOB\"" sweep/submissions.jsonl)" = 1 ] || fail "job id not recorded in submissions.jsonl"

# Preempt task 0 (until10_seed1) once it has logged a few steps but is far from done.
VICTIM=sweep/until10_seed1
for _ in $(seq 600); do
  step="$(tail -n 1 "$VICTIM/metrics.jsonl" 2>/dev/null | sed -n 's/.*"step":\([0-9]*\).*/\1/p' || true)"
  [ -n "$step" ] && [ "$step" -ge 10 ] && break
  sleep 0.1
done
[ -n "$step" ] && [ "$step" -lt "$STEPS" ] || fail "task 0 did not reach step 10 mid-run (step '$step')"
say "task 0 at step $step: sending USR1 (scancel --signal=USR1 ${JOB}_0)"
# scancel delivers at once, then keeps retrying its own RPC while the requeued job is in transition ("Job can not
# be altered now") and finally reports an error: run it in the background and judge by the task's exit status.
scancel --signal=USR1 "${JOB}_0" >/dev/null 2>&1 &
SCANCEL=$!
# Slurm holds a requeued job for a while before it is eligible again; release it now to keep the test short.
for _ in $(seq 300); do
  line="$(squeue -h -j "$JOB" -o "%i %A %T %r" | grep "^${JOB}_0 " || true)"
  case "$line" in *PENDING*) break ;; esac
  sleep 0.1
done
# Stop scancel before its next retry, which would signal the restarted task again.
kill "$SCANCEL" 2>/dev/null || true
case "$line" in *PENDING*) ;; *) fail "task 0 was not requeued (squeue: '$line')" ;; esac
say "requeued: $line"
grep -q "^75 " "$VICTIM/exit_status" || fail "exit_status after USR1: $(cat "$VICTIM/exit_status" 2>/dev/null)"
"$SASMLM" sweep status sweep.yaml | grep -E "until10_seed1 +interrupted" >/dev/null || fail "status does not show interrupted"
scontrol update jobid="$(echo "$line" | awk '{print $2}')" starttime=now
say "released the requeued task"

for _ in $(seq 1200); do
  [ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ] && break
  sleep 0.25
done
[ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ] || fail "the sweep did not finish in time"
JOB=""
say "all tasks left the queue"
STATUS="$("$SASMLM" sweep status sweep.yaml)"
echo "$STATUS"
echo "$STATUS" | grep -q "^4 done$" || fail "not all four runs are done"
for run in sweep/until*; do
  [ "$(cut -d' ' -f1 "$run/exit_status")" = 0 ] || fail "$run exit status $(cat "$run/exit_status")"
done
grep -q "restart 1" sweep/logs/*_0.out || fail "task 0's log shows no restart"

# Planning again after the runs (which rewrote their config.yaml) is a no-op, and there is nothing to submit.
AGAIN="$("$SASMLM" sweep plan sweep.yaml --submit)" || fail "re-plan"
echo "$AGAIN" | grep -q "(0 created, 0 updated, 4 unchanged)" || fail "re-plan changed runs: $AGAIN"
echo "$AGAIN" | grep -q "nothing to submit" || fail "re-plan submitted again: $AGAIN"

# The preempted run must end exactly where an uninterrupted run of the same config ends.
"$SASMLM" train --config "$VICTIM/config.yaml" --set run.dir=ref >/dev/null 2>&1 || fail "reference run"
final() { grep -v '"split"' "$1/metrics.jsonl" | grep "\"step\":$STEPS[,}]" | sed -n 's/.*"mlm_loss":\([^,}]*\).*/\1/p'; }
A="$(final "$VICTIM")"; B="$(final ref)"
say "final mlm_loss: preempted+resumed $A, uninterrupted $B"
[ -n "$A" ] && [ "$A" = "$B" ] || fail "final loss differs after preemption: '$A' vs '$B'"

REPORT="$(SASMLM_PYTHON="$PY" "$SASMLM" sweep report sweep.yaml)" || fail "sweep report"
echo "$REPORT"
[ "$(grep -c ",done," sweep/report.csv)" = 4 ] || fail "report.csv does not list four done runs"
[ -s sweep/report.md ] || fail "no report.md"
if "$PY" -c "import matplotlib" 2>/dev/null; then
  [ -s sweep/report.png ] || fail "no report.png although matplotlib is installed"
fi
[ -z "${SASMLM_SWEEP_REPORT_COPY:-}" ] || cp sweep/report.csv sweep/report.md sweep/report.png "$SASMLM_SWEEP_REPORT_COPY"/
say "passed"
