#!/usr/bin/env bash
# The NCCL path on a GPU machine, world size 1: builds sasmlm against the machine's own PyTorch, trains a tiny model
# for a few steps once alone and once as rank 0 of a 1-rank NCCL group (torchrun's variables), and prints the
# process-group and reducer lines and the largest loss difference between the two runs (expected ~0: the sum over
# one rank is the identity, but the gradients do go through NCCL's all-reduce).
#   scripts/gpu/check_nccl.sh [STEPS]        env: SASMLM_BIN=path (a prebuilt CLI; else built here)
# C++ dependencies missing there (yaml-cpp, spdlog, fmt, sentencepiece, nlohmann-json, libgloo-dev headers) can be
# carried as Debian packages: SASMLM_DEBS=DIR unpacks DIR/*.deb into / first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEPS="${1:-20}"
PY="${PYTHON:-python3}"
BUILD="${BUILD:-$ROOT/build/gpu}"
if [ -n "${SASMLM_DEBS:-}" ]; then
  for f in "$SASMLM_DEBS"/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
PREFIX="$("$PY" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
"$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "nccl", torch.cuda.nccl.version())'
CLI="${SASMLM_BIN:-}"  # a prebuilt CLI (built with the CUDA toolkit present), else built here
if [ -z "$CLI" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSASMLM_BUILD_TESTS=OFF \
        -DCMAKE_PREFIX_PATH="$PREFIX" >"$BUILD.cmake.log" 2>&1 || { tail -30 "$BUILD.cmake.log"; exit 1; }
  grep -q SASMLM_WITH_NCCL "$BUILD/build.ninja" || { echo "check_nccl: NCCL backend not compiled in" >&2; exit 1; }
  ninja -C "$BUILD" -j"$(nproc)" sasmlm >"$BUILD.ninja.log" 2>&1 || { tail -40 "$BUILD.ninja.log"; exit 1; }
  CLI="$CLI"
fi

W="$(mktemp -d)"
"$CLI" synth --out "$W/synth" --sentences 1000 >/dev/null
cat >"$W/cfg.yaml" <<YAML
data: {train: [$W/synth/train.conllu], prepared_dir: $W/prepared, max_seq_len: 64}
tokenizer: {vocab_size: 500}
model: {preset: tiny, dropout: 0, attention_dropout: 0}
sas: {schedule: [{lambda: 0.01}]}
trainer: {max_steps: $STEPS, batch_size: 16, micro_batch_size: 8, lr: 0.001, log_every: 1, device: cuda, precision: fp32}
checkpoint: {every: 0}
distributed: {backend: nccl, timeout_s: 60, bucket_mb: 1, check_params: true}
logging: {level: info, tensorboard: false}
YAML
"$CLI" train --config "$W/cfg.yaml" --set run.dir="$W/local" 2>/dev/null
port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
RANK=0 LOCAL_RANK=0 WORLD_SIZE=1 MASTER_ADDR=127.0.0.1 MASTER_PORT="$port" \
  "$CLI" train --config "$W/cfg.yaml" --set run.dir="$W/nccl" 2>/dev/null
echo "exit code of the NCCL run: $?"
grep -E "distributed|grad reducer|device cuda" "$W/nccl/train.log" | sed 's/^.*\] //'
"$PY" - "$W/local/metrics.jsonl" "$W/nccl/metrics.jsonl" <<'PYEOF'
import json, sys
a, b = ([json.loads(l) for l in open(p) if '"split"' not in l] for p in sys.argv[1:3])
diff = max(abs(x["mlm_loss"] - y["mlm_loss"]) / abs(x["mlm_loss"]) for x, y in zip(a, b))
print(f"{len(b)} NCCL steps; mlm_loss first {b[0]['mlm_loss']:.4f} last {b[-1]['mlm_loss']:.4f}; "
      f"max relative difference to the run without a process group: {diff:.2e}")
PYEOF
