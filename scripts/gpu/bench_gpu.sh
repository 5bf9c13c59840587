#!/usr/bin/env bash
# GPU throughput of sasmlm vs the Hugging Face loop (issue #10), one go on an H100/H200, about 10 minutes including
# the build: builds the `sasmlm` CLI against the machine's own PyTorch, then
#   1. sasmlm train, BERT-base, seq 128, batch 256, bf16, SAS absent   -> tokens/s, MFU
#   2. the same with SAS active (sas.schedule [{lambda: LAMBDA}])      -> tokens/s, ratio to absent
#   3. transformers' BertForMaskedLM, same sizes, bf16 autocast, fused AdamW, eager and torch.compile
# and writes everything to one file, $OUT/bench_gpu.txt (or ./bench_gpu.txt without $OUT).
#   scripts/gpu/bench_gpu.sh            env: PRESET=base BATCH=256 SEQ=128 STEPS=60 LAMBDA=0.001
#                                            CORPUS=file.conllu (default: a `sasmlm synth` corpus) VOCAB=...
# C++ dependencies missing there (yaml-cpp, spdlog, fmt, sentencepiece, nlohmann-json, libgloo-dev headers) can be
# carried as Debian packages: SASMLM_DEBS=DIR unpacks DIR/*.deb into / first (as scripts/gpu/check_nccl.sh).
#
# MFU = achieved model FLOP/s / peak dense bf16 FLOP/s (H100 SXM and H200: 989e12), with model FLOPs per real token
#   F = 6 * L * (4 H^2 + 2 H I)          dense weights of the encoder layers, forward + backward (2 + 4)
#     + 12 * L * T * H                   attention scores QK^T and context PV, forward + backward
#     + 6 * 0.15 * (H^2 + H V)           MLM head on the masked 15% of tokens (what the loss needs)
# (embedding lookups, LayerNorm, softmax, biases and the optimizer are not counted). The same F is used for the
# Hugging Face loop, whose head also runs on the 85% unmasked tokens: that work is not "model FLOPs".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-python3}"
BUILD="${BUILD:-$ROOT/build/gpu}"
PRESET="${PRESET:-base}" BATCH="${BATCH:-256}" SEQ="${SEQ:-128}" STEPS="${STEPS:-60}" LAMBDA="${LAMBDA:-0.001}"
DEVICE="${DEVICE:-cuda}" PRECISION="${PRECISION:-bf16}"   # DEVICE=cpu PRECISION=fp32: a dry run of this script
HF_MODES="${HF_MODES:-eager compile}"
RESULT="${OUT:-$PWD}/bench_gpu.txt"
exec > >(tee "$RESULT") 2>&1

if [ -n "${SASMLM_DEBS:-}" ]; then
  for f in "$SASMLM_DEBS"/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
date -u
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
PREFIX="$("$PY" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
"$PY" -c 'import torch, transformers; print("torch", torch.__version__, "cuda", torch.version.cuda, "transformers", transformers.__version__)'
t0=$SECONDS
if [ ! -x "$BUILD/sasmlm" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSASMLM_BUILD_TESTS=OFF \
        -DCMAKE_PREFIX_PATH="$PREFIX" >"$BUILD.cmake.log" 2>&1 || { tail -30 "$BUILD.cmake.log"; exit 1; }
  ninja -C "$BUILD" -j"$(nproc)" sasmlm >"$BUILD.ninja.log" 2>&1 || { tail -40 "$BUILD.ninja.log"; exit 1; }
fi
echo "build: $((SECONDS - t0)) s"

W="$(mktemp -d)"
if [ -z "${CORPUS:-}" ]; then
  "$BUILD/sasmlm" synth --out "$W/synth" --sentences 40000 >/dev/null
  CORPUS="$W/synth/train.conllu"
  VOCAB="${VOCAB:-1000}"   # the synthetic grammar's lexicon is small: a larger SentencePiece vocabulary fails
fi
VOCAB="${VOCAB:-8000}"
run_sasmlm() {  # NAME LAMBDA
  cat >"$W/$1.yaml" <<YAML
run: {dir: $W/$1, seed: 1}
data: {train: [$CORPUS], prepared_dir: $W/prepared, max_seq_len: $SEQ}
tokenizer: {vocab_size: $VOCAB}
model: {preset: $PRESET}
sas: {schedule: [{lambda: $2}]}
trainer: {max_steps: $STEPS, batch_size: $BATCH, lr: 1e-4, warmup_steps: 10, log_every: 10, device: $DEVICE, precision: $PRECISION}
checkpoint: {every: 0}
eval: {every: 0}
logging: {level: info, tensorboard: false}
YAML
  if ! "$BUILD/sasmlm" train --config "$W/$1.yaml" >"$W/$1.out" 2>&1; then tail -30 "$W/$1.out"; exit 1; fi
  grep -E "model:|done:" "$W/$1/train.log" | sed 's/^.*\] //' || true
}
run_sasmlm absent 0
run_sasmlm active "$LAMBDA"

# The Hugging Face loop on the same sizes: scripts/bench/hf_worker.py driven over stdin (warm-up, then timed runs).
"$PY" - "$W" "$PRESET" "$BATCH" "$SEQ" "$VOCAB" "$DEVICE" "$PRECISION" "$ROOT" "$HF_MODES" <<'PYEOF'
import json, os, statistics, struct, subprocess, sys
import numpy as np
W, preset, B, T, V, device, precision, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    int(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
hf_modes = sys.argv[9].split()
sizes = {"tiny": (2, 128), "mini": (4, 256), "small": (4, 512), "medium": (8, 512), "base": (12, 768),
         "large": (24, 1024)}
L, H = sizes[preset]
I = 4 * H

def sasmlm_rate(name):
    rows = [json.loads(l) for l in open(f"{W}/{name}/metrics.jsonl") if '"split"' not in l]
    rates = [r["tokens_per_s"] for r in rows[2:]]  # the first two windows hold CUDA/cuBLAS warm-up
    return statistics.median(rates), len(rows)

# Same shapes for HF: full-length rows (no padding), 15% labels (80/10/10 is irrelevant to the cost).
rng = np.random.default_rng(0)
path = f"{W}/hf.batches"
with open(path, "wb") as f:
    f.write(b"SASB" + struct.pack("<q", 4))
    for _ in range(4):
        ids = rng.integers(5, V, (B, T)).astype("<i8")
        labels = np.where(rng.random((B, T)) < 0.15, ids, -100).astype("<i8")
        f.write(struct.pack("<qq", B, T) + ids.tobytes() + np.ones((B, T), np.uint8).tobytes() + labels.tobytes())
settings = {"vocab_size": V, "layers": L, "hidden": H, "heads": H // 64, "intermediate": I, "max_position": 512,
            "type_vocab": 2, "dropout": 0.1, "attention_dropout": 0.1, "layer_norm_eps": 1e-12, "init_std": 0.02,
            "lr": 1e-4, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01, "grad_clip": 1.0,
            "warmup_steps": 10, "threads": os.cpu_count()}

def hf_rate(mode):
    argv = [sys.executable, f"{root}/scripts/bench/hf_worker.py", "--batches", path, "--settings",
            json.dumps(settings), "--mode", mode, "--device", device] + (["--bf16"] if precision == "bf16" else [])
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    lines = iter(p.stdout)
    def ask(cmd):
        p.stdin.write(cmd + "\n"); p.stdin.flush()
        for line in lines:
            if line.startswith("done "):
                s, tok, _ = line.split()[1:]
                return float(s), int(tok)
        sys.exit(f"hf_worker {mode} died")
    next(l for l in lines if l.startswith("ready "))
    warm = ask("run 8")[0]
    rates = [tok / s for s, tok in (ask("run 10") for _ in range(4))]
    p.stdin.write("quit\n"); p.stdin.flush(); p.wait()
    return statistics.median(rates), warm

peak = 989e12  # H100 SXM / H200 dense bf16
flops_per_token = 6 * L * (4 * H * H + 2 * H * I) + 12 * L * T * H + 6 * 0.15 * (H * H + H * V)
print(f"\nBERT-{preset} L{L} H{H} I{I} vocab {V}, batch {B} x {T}, {precision}; model FLOPs per token "
      f"{flops_per_token / 1e6:.1f} M (formula in scripts/gpu/bench_gpu.sh); MFU against {peak / 1e12:.0f} TFLOP/s")
results = {}
for name in ("absent", "active"):
    rate, n = sasmlm_rate(name)
    results[f"sasmlm SAS {name}"] = (rate, None)
for mode in hf_modes:
    results[f"hf {mode}"] = hf_rate(mode)
ours = results["sasmlm SAS absent"][0]
print("| run | tokens/s | MFU | sasmlm absent / this | warm-up s |")
print("|---|---:|---:|---:|---:|")
for name, (rate, warm) in results.items():
    print(f"| {name} | {rate:.0f} | {100 * rate * flops_per_token / peak:.1f}% | {ours / rate:.2f} | "
          f"{'' if warm is None else f'{warm:.1f}'} |")
PYEOF
echo "total: $((SECONDS - t0)) s; results in $RESULT"
