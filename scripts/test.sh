#!/usr/bin/env bash
# Builds sasmlm and runs the whole test suite (what CI runs): scripts/test.sh
# On a fresh Debian 12 machine this installs everything first (scripts/setup.sh).
#   1. every libFuzzer target (the readers of untrusted input) for 30 s on its seed corpus, with a fixed libFuzzer
#      seed so that a finding replays: scripts/fuzz.sh --time 30 --seed 1;
#   2. every test of every module under AddressSanitizer + UndefinedBehaviorSanitizer (asan preset), through ctest
#      (one ctest test per GoogleTest case);
#   3. every test again in the release build, the one users run, built and run as on a machine without a CUDA
#      toolkit (scripts/without_cuda.sh hides it where one is installed), which is what laptops and CPU nodes have;
#      the asan stage keeps the toolkit, so the CUDA-only parts (the NCCL backend) still compile in CI.
# Quicker local runs: SASMLM_TEST_PRESETS=release (any of "asan release"), SASMLM_SKIP_FUZZ=1,
# SASMLM_FUZZ_SECONDS=N, SASMLM_FUZZ_SEED=N (0: random), SASMLM_TEST_JOBS=N (ctest parallelism, default 2),
# SASMLM_RELEASE_WITH_CUDA=1 (release stage with the toolkit visible).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# spaCy: scripts/parse_corpus.py is tested with hand-built parses (no model download needed); matplotlib: figures;
# transformers + safetensors: parity of exported/imported checkpoints and WordPiece with Hugging Face; udtools: the
# synthetic treebank against the official UD validator.
export SASMLM_PY_EXTRAS="${SASMLM_PY_EXTRAS-spacy matplotlib transformers safetensors udtools}"
eval "$("$ROOT/scripts/setup.sh")"
export CCACHE_BASEDIR="$ROOT"
cd "$ROOT"
start=$SECONDS
stamp() { echo "== [$((SECONDS - start)) s] $*"; }

if [ "${SASMLM_SKIP_FUZZ:-0}" != 1 ]; then
  stamp "fuzz targets, ${SASMLM_FUZZ_SECONDS:-30} s each"
  scripts/fuzz.sh --time "${SASMLM_FUZZ_SECONDS:-30}" --seed "${SASMLM_FUZZ_SEED:-1}"
fi
for preset in ${SASMLM_TEST_PRESETS:-asan release}; do
  case "$preset" in asan|release|debug) ;; *) echo "test.sh: unknown preset '$preset' in SASMLM_TEST_PRESETS" >&2; exit 2 ;; esac
  wrap=()
  if [ "$preset" = release ] && [ "${SASMLM_RELEASE_WITH_CUDA:-0}" != 1 ] &&
     { [ -d /usr/local/cuda ] || command -v nvcc >/dev/null 2>&1; }; then
    wrap=("$ROOT/scripts/without_cuda.sh")
  fi
  stamp "build ($preset${wrap[*]:+, CUDA toolkit hidden})"
  "${wrap[@]}" "$ROOT/scripts/build.sh" "$preset"
  stamp "all tests ($preset${wrap[*]:+, CUDA toolkit hidden})"
  "${wrap[@]}" ctest --preset "$preset" -j "${SASMLM_TEST_JOBS:-2}" --timeout 900
done
stamp "done"
