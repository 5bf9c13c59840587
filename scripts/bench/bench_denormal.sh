#!/usr/bin/env bash
# Subnormal floats on CPU: training step time from a checkpoint with trainer.flush_denormal off vs on, alternating
# in one run on the checkpoint's own batches (its config's prepared data). A checkpoint from late in a SAS-promoting
# run (configs/synth_onset/promote.yaml) shows the saturated-softmax case; a baseline one what flushing costs.
#   scripts/bench/bench_denormal.sh CHECKPOINT [--windows N] [--steps-per-window N] [--batches N] [--threads N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/scripts/build.sh" release bench_denormal >/dev/null
cd "$ROOT"
"$ROOT/build/release/tests/bench_denormal" "$@"
