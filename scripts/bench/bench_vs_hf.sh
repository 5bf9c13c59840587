#!/usr/bin/env bash
# sasmlm's trainer vs Hugging Face BertForMaskedLM (eager and torch.compile) on CPU, on EWT train batches.
#   scripts/bench/bench_vs_hf.sh [--presets tiny,mini,small] [--windows 5] [--steps-per-window 4] [--threads N]
# Builds the worker (release preset, or the build dir in SASMLM_BENCH_BUILD), then runs
# scripts/bench/bench_vs_hf.py with the flags given (--help lists them). Needs the Python packages torch and
# transformers, and g++ for torch.compile's inductor on CPU.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
eval "$("$ROOT/scripts/setup.sh")"
export CCACHE_BASEDIR="$ROOT"
cd "$ROOT"
BUILD="${SASMLM_BENCH_BUILD:-build/release}"
if [ ! -f "$BUILD/build.ninja" ]; then cmake --preset release >/dev/null; fi
ninja -C "$BUILD" -j "${SASMLM_JOBS:-$(nproc)}" bench_train_worker >/dev/null
exec "$SASMLM_PYTHON" "$ROOT/scripts/bench/bench_vs_hf.py" --build-dir "$BUILD" "$@"
