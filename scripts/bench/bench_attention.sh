#!/usr/bin/env bash
# Attention paths: forward + backward ms/step, fast path vs probability path (all layers observed), mini and small
# presets, CPU, batch 8 x 128; then every preset's parameter count (vocab 30522).
#   scripts/bench/bench_attention.sh [bench_attention flags: --batch B --length T --iterations N --threads N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/scripts/build.sh" release >/dev/null
"$ROOT/build/release/tests/bench_attention" "$@"
