#!/usr/bin/env bash
# SAS regularizer cost: step time absent vs lambda=0 vs active at the mini and small presets (CPU), on EWT train
# (configs/ewt_sas/base.yaml) or any config given.  scripts/bench/bench_sas.sh [CONFIG.yaml] [bench_sas flags]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/scripts/build.sh" release >/dev/null
CONFIG="${1:-$ROOT/configs/ewt_sas/base.yaml}"
shift || true
cd "$ROOT"
"$ROOT/build/release/tests/bench_sas" "$CONFIG" "$@"
