#!/usr/bin/env bash
# Tokenizer benchmark: words/s of sasmlm's unigram encoder vs libsentencepiece's Encode on one model (8000 pieces
# trained on TRAIN's words), alternating rounds in one run; and how many words the two split differently.
#   scripts/bench/bench_tokenizer.sh [TRAIN.conllu] [--vocab N] [--rounds R]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/scripts/build.sh" release bench_tokenizer >/dev/null
TRAIN="${1:-$ROOT/../shared/data/ud-ewt/train.conllu}"
[ -f "$TRAIN" ] || { echo "error: $TRAIN not found (pass a CoNLL-U file)" >&2; exit 2; }
"$ROOT/build/release/tests/bench_tokenizer" "$TRAIN" "${@:2}"
