#!/usr/bin/env bash
# Data-path benchmark: prepare throughput (sentences/s) on EWT train, loader batches/s vs the trainer's steps/s at
# the tiny preset.  scripts/bench/bench_data.sh [TRAIN.conllu]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/scripts/build.sh" release >/dev/null
TRAIN="${1:-$ROOT/../shared/data/ud-ewt/train.conllu}"
[ -f "$TRAIN" ] || { echo "error: $TRAIN not found (pass a CoNLL-U file)" >&2; exit 2; }
"$ROOT/build/release/tests/bench_data" "$TRAIN"
