#!/usr/bin/env bash
# Builds sasmlm and runs the whole test suite (what CI runs): scripts/test.sh
# On a fresh Debian 12 machine this installs everything first (scripts/setup.sh).
#   1. the data module's tests under AddressSanitizer + UndefinedBehaviorSanitizer (asan preset): its parsers read
#      untrusted input (CoNLL-U, shards, manifests);
#   2. every test of every module in the release build, through ctest (one ctest test per GoogleTest case).
# SASMLM_SKIP_ASAN=1 skips step 1 (quick local runs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# spaCy: scripts/parse_corpus.py is tested with hand-built parses (no model download needed); matplotlib: figures;
# transformers + safetensors: parity of exported/imported checkpoints and WordPiece with Hugging Face.
export SASMLM_PY_EXTRAS="${SASMLM_PY_EXTRAS-spacy matplotlib transformers safetensors}"
eval "$("$ROOT/scripts/setup.sh")"
export CCACHE_BASEDIR="$ROOT"
cd "$ROOT"
if [ "${SASMLM_SKIP_ASAN:-0}" != 1 ]; then
  [ -f build/asan/build.ninja ] || cmake --preset asan >/dev/null
  cmake --build --preset asan --target test_data -j "$(nproc)"
  echo "== data module tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build/asan/tests/test_data --gtest_brief=1
fi
"$ROOT/scripts/build.sh" release
echo "== all tests (release)"
ctest --preset release -j "${SASMLM_TEST_JOBS:-2}" --timeout 900
