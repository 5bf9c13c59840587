#!/usr/bin/env bash
# Data-parallel step time on CPU: 1 process (T threads) vs 2 Gloo processes (T/2 threads each) at the mini preset,
# same global batch, plus the reducer's measured overlap of gradient all-reduce with backward.
#   scripts/bench/bench_dist.sh [STEPS] [THREADS]      (defaults 30 steps, 2 threads in all)
# Uses $SASMLM_BIN (default build/release/sasmlm); writes under $BENCH_DIR (default a temp dir).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${SASMLM_BIN:-$ROOT/build/release/sasmlm}"
STEPS="${1:-30}"
THREADS="${2:-2}"
PY="${SASMLM_PYTHON:-python3}"
DIR="${BENCH_DIR:-$(mktemp -d)}"
[ -x "$BIN" ] || { echo "bench_dist: $BIN not built (hint: scripts/build.sh release, or set SASMLM_BIN)" >&2; exit 2; }

LOAD0="$(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN" synth --out "$DIR/synth" --sentences 3000 >/dev/null
cat >"$DIR/base.yaml" <<YAML
data: {train: [$DIR/synth/train.conllu], prepared_dir: $DIR/prepared, max_seq_len: 128}
tokenizer: {vocab_size: 512}
model: {preset: mini}
sas: {schedule: [{lambda: 0.001}]}
trainer: {max_steps: $STEPS, batch_size: 16, lr: 0.0005, warmup_steps: 5, log_every: 1}
checkpoint: {every: 0, keep_last: 1}
distributed: {backend: gloo, timeout_s: 120}
logging: {level: info, tensorboard: false}
YAML
"$BIN" prepare --config "$DIR/base.yaml" >/dev/null 2>&1

# Median seconds per step over the steps after the first 5 (warm-up), from metrics.jsonl's elapsed_s.
step_time() {
  "$PY" - "$1/metrics.jsonl" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"split"' not in l]
t = [b["elapsed_s"] - a["elapsed_s"] for a, b in zip(rows, rows[1:])][5:]
print(f"{statistics.median(t):.4f}")
PYEOF
}

half=$(( THREADS / 2 > 0 ? THREADS / 2 : 1 ))
"$BIN" train --config "$DIR/base.yaml" --set run.dir="$DIR/one" --set trainer.threads="$THREADS" 2>/dev/null
"$BIN" train --config "$DIR/base.yaml" --set run.dir="$DIR/one_half" --set trainer.threads="$half" 2>/dev/null
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pids=()
for rank in 0 1; do
  RANK=$rank LOCAL_RANK=$rank WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$BIN" train --config "$DIR/base.yaml" --set run.dir="$DIR/two" --set trainer.threads="$half" 2>/dev/null &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

one=$(step_time "$DIR/one")
two=$(step_time "$DIR/two")
echo "load average before: $LOAD0; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mini preset, global batch 16 x 128 tokens, $STEPS steps, CPU ($(nproc) cores visible)"
echo "1 process,   $THREADS intra-op threads:          $one s/step"
echo "1 process,   $half intra-op thread(s):          $(step_time "$DIR/one_half") s/step"
echo "2 processes, $half intra-op thread(s) each (Gloo): $two s/step"
grep -o "distributed: .*overlapped)" "$DIR/two/train.log" | tail -1
